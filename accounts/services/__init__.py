"""Every change to people, organisations and supervision goes through a function here.

Each is keyword-only, runs in one transaction, takes the acting user as `actor` (None only
for the system itself: tasks, management commands, demo seeding), refuses with
PermissionDenied what that actor may not do, and writes the audit log for every change that
grants or removes access to private data. The writes are kept by subject in the modules
below; this package is how the rest of Waymark calls them.
"""

from accounts.services.invitations import (
    accept_invitation,
    create_account_from_invitation,
    invite_member,
    revoke_invitation,
    send_invitation_email,
)
from accounts.services.organisations import add_organisation_admin, set_member_roles
from accounts.services.people import (
    TOKEN_LIFETIMES,
    create_personal_access_token,
    revoke_personal_access_token,
    revoke_tokens_after_password_change,
    update_profile,
)
from accounts.services.supervision import end_supervision, start_supervision

__all__ = [
    "TOKEN_LIFETIMES",
    "accept_invitation",
    "add_organisation_admin",
    "create_account_from_invitation",
    "create_personal_access_token",
    "end_supervision",
    "invite_member",
    "revoke_invitation",
    "revoke_personal_access_token",
    "revoke_tokens_after_password_change",
    "send_invitation_email",
    "set_member_roles",
    "start_supervision",
    "update_profile",
]
