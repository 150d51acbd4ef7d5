"""Demo data for every app, so a new install has something to show.

It lives in the highest app of the dependency chain (accounts ← curriculum ← portfolio ←
assessments ← reviews ← teaching ← badges ← passport ← integrations) because it seeds all of
them, in that order; each app's own part is in its demo.py.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test.utils import override_settings

from accounts import demo as accounts_demo
from assessments import demo as assessments_demo
from assessments import services as assessment_services
from audit import services as audit
from badges import demo as badges_demo
from curriculum import demo as curriculum_demo
from integrations import demo as integrations_demo
from passport import demo as passport_demo
from portfolio import demo as portfolio_demo
from reviews import demo as reviews_demo
from teaching import demo as teaching_demo


class Command(BaseCommand):
    help = (
        "Create or refresh the demo organisations, logins, programme, portfolios and badges "
        "(development only)."
    )

    def handle(self, *args, **options):
        if not settings.DEVELOPMENT:
            raise CommandError(
                "seed_demo creates accounts with a published password, so it only runs in "
                "development mode (DJANGO_ENV unset or 'development')."
            )
        # The demo people have no inboxes: the sign-off emails the demo portfolio triggers
        # would only bury the logins printed below.
        with (
            override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"),
            transaction.atomic(),
        ):
            organisations, users = accounts_demo.seed()
            trainees = [users[f"trainee{n}"] for n in (1, 2, 3)]
            programme = curriculum_demo.seed(
                deanery=organisations[accounts_demo.DEANERY], trainees=trainees
            )
            supervisors_by_trainee = {trainee: {} for trainee in trainees}
            for supervisor, trainee, kind in accounts_demo.SUPERVISIONS:
                supervisors_by_trainee[users[trainee]][kind] = users[supervisor]
            portfolio_demo.seed(trainees=trainees, supervisors_by_trainee=supervisors_by_trainee)
            # The assessment forms (mini-CEX, CBD, DOPS, …), brought up to date with the data.
            assessment_services.install_base_forms()
            # The first trainee's mini-CEXs and CBD, completed by their clinical supervisor.
            assessments_demo.seed(
                trainee=trainees[0],
                assessor=supervisors_by_trainee[trainees[0]]["clinical"],
                framework=portfolio_demo.framework(),
            )
            # What the F1 programme asks by the annual review, set by the deanery's admin.
            reviews_demo.seed(programme=programme, admin=users["admin"])
            trust, admin = organisations[accounts_demo.TRUST], users["admin"]
            teaching_demo.seed(trust=trust, trainees=trainees, admin=admin)
            badges_demo.seed(trust=trust, trainees=trainees, admin=admin)
            provider = organisations[accounts_demo.PROVIDER]
            # The first trainee's mandatory-training badges, and what the trusts accept.
            badges_demo.seed_training(
                trust=trust, provider=provider, trainee=trainees[0], admin=admin
            )
            badges_demo.seed_endorsements(deanery=organisations[accounts_demo.DEANERY], admin=admin)
            passport_demo.seed(
                organisations=organisations,
                admins={accounts_demo.TRUST: admin, accounts_demo.SECOND_TRUST: users["admin2"]},
            )
            integrations_demo.seed(provider=provider, connected=trainees[:1])
        # Anchor what the demo wrote, as beat would within AUDIT_CHECKPOINT_MINUTES.
        audit.sign_checkpoint()
        self.stdout.write(
            self.style.SUCCESS("Demo data is ready. Sign in at /accounts/login/ with:")
        )
        for line in accounts_demo.logins():
            self.stdout.write(line)
        self.stdout.write(f"  password for every demo login: {settings.DEMO_PASSWORD}")
