from django.apps import AppConfig


class PortfolioConfig(AppConfig):
    name = "portfolio"
    verbose_name = "Portfolio"

    def ready(self):
        from curriculum.selectors import register_evidence_counter
        from portfolio.selectors import evidence_counts

        # Curriculum coverage counts this app's entries without importing it.
        register_evidence_counter(evidence_counts)
