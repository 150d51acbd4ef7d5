"""Every change to learning entries, their mappings, evidence and sign-off goes through a
function here, which refuses what the acting user may not do, writes the audit entry, and
schedules follow-up work after commit. Written by subject: entries, sign_off and evidence,
over the status rules in status; callers use them all from here."""

from portfolio.services.entries import (
    default_credits,
    delete_entry,
    log_entry,
    record_reflection_view,
    replace_items,
    set_mappings,
    update_entry,
    withdraw_sent_entry,
)
from portfolio.services.evidence import (
    add_file_evidence,
    add_link_evidence,
    process_evidence,
    remove_evidence,
    store_evidence_thumbnail,
)
from portfolio.services.reading_lists import import_references
from portfolio.services.sign_off import (
    approve,
    recall_request,
    return_entry,
    submit_for_sign_off,
    withdraw_sign_off,
)
from portfolio.services.status import (
    EntryLocked,
    TransitionNotAllowed,
    ensure_deletable,
    ensure_editable,
    mark_assessed,
)
from portfolio.services.supervision import approve_batch, record_portfolio_visit

__all__ = [
    "EntryLocked",
    "TransitionNotAllowed",
    "add_file_evidence",
    "add_link_evidence",
    "approve",
    "approve_batch",
    "default_credits",
    "delete_entry",
    "import_references",
    "ensure_deletable",
    "ensure_editable",
    "log_entry",
    "mark_assessed",
    "process_evidence",
    "recall_request",
    "record_portfolio_visit",
    "record_reflection_view",
    "remove_evidence",
    "replace_items",
    "return_entry",
    "set_mappings",
    "store_evidence_thumbnail",
    "submit_for_sign_off",
    "update_entry",
    "withdraw_sent_entry",
    "withdraw_sign_off",
]
