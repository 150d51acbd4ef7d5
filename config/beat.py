"""What beat runs, and when: sweeps that finish work a broker outage held back, and the
audit checkpoint."""

from celery.schedules import crontab


def beat_schedule(*, audit_checkpoint_minutes: int) -> dict:
    return {
        "send-pending-invitations": {
            "task": "accounts.tasks.send_pending_invitations",
            "schedule": crontab(minute="*/5"),
        },
        "send-pending-sign-off-notifications": {
            "task": "portfolio.tasks.send_pending_notifications",
            "schedule": crontab(minute="*/5"),
        },
        "send-pending-notification-emails": {
            "task": "notifications.tasks.send_pending_emails",
            "schedule": crontab(minute="*/5"),
        },
        # Reminders and expiry notices first, so that a digest the same morning includes them.
        "remind-waiting-supervisors": {
            "task": "portfolio.tasks.remind_waiting_supervisors",
            "schedule": crontab(minute=30, hour=6),
        },
        "notify-expiring-awards": {
            "task": "badges.tasks.notify_expiring_awards",
            "schedule": crontab(minute=40, hour=6),
        },
        # After the awards' own expiry notices, which it does not repeat.
        "notify-expiring-training": {
            "task": "passport.tasks.notify_expiring_training",
            "schedule": crontab(minute=50, hour=6),
        },
        "send-daily-notification-digests": {
            "task": "notifications.tasks.send_daily_digests",
            "schedule": crontab(minute=0, hour=7),
        },
        "run-pending-badge-evaluations": {
            "task": "badges.tasks.run_pending_evaluations",
            "schedule": crontab(minute="*"),
        },
        "sign-audit-checkpoint": {
            "task": "audit.tasks.sign_checkpoint",
            "schedule": crontab(minute=f"*/{audit_checkpoint_minutes}"),
        },
        "make-missing-thumbnails": {
            "task": "portfolio.tasks.make_missing_thumbnails",
            "schedule": crontab(minute="*/10"),
        },
        "process-pending-evidence": {
            "task": "portfolio.tasks.process_pending_evidence",
            "schedule": crontab(minute="*/5"),
        },
        "run-waiting-exports": {
            "task": "exports.tasks.run_waiting_exports",
            "schedule": crontab(minute="*/5"),
        },
        "delete-expired-exports": {
            "task": "exports.tasks.delete_expired_exports",
            "schedule": crontab(minute=17),
        },
        "deliver-due-webhooks": {
            "task": "integrations.tasks.deliver_due_webhooks",
            "schedule": crontab(minute="*"),
        },
        "recheck-issuer-domains": {
            "task": "badges.tasks.recheck_issuer_domains",
            "schedule": crontab(minute=41, hour=4),
        },
        "reverify-external-badges": {
            "task": "badges.tasks.reverify_external_badges",
            "schedule": crontab(minute=23),
        },
        "clear-expired-oauth-tokens": {
            "task": "integrations.tasks.clear_expired_tokens",
            "schedule": crontab(minute=17, hour=3),
        },
    }
