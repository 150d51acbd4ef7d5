from django.apps import AppConfig


class PortfolioConfig(AppConfig):
    name = "portfolio"
    verbose_name = "Portfolio"

    def integrity_checks(self):
        """Run by verify_audit after the audit chain itself verifies."""
        from audit.integrity import IntegrityCheck
        from portfolio.integrity import first_altered_sign_off, first_misattributed_item_link

        return [
            IntegrityCheck(
                first_problem=first_altered_sign_off,
                passed="Every standing sign-off matches its entry.",
            ),
            IntegrityCheck(
                first_problem=first_misattributed_item_link,
                passed="Every item link belongs to its entry's trainee.",
            ),
        ]
