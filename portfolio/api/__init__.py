"""API for learning entries, their evidence and sign-off, the supervisor's queue, and coverage.

Every change goes through portfolio.services and every read through portfolio.selectors, as
for the pages. The refusals of the services become the API's errors in the shared exception
handler (core.api): invalid input 400, an entry whose state forbids the change 409, a person
who may not make it 403. Entries the caller may not see do not exist for them: 404.
"""

from portfolio.api.coverage import ProgrammeCoverageViewSet
from portfolio.api.cpd import CpdViewSet
from portfolio.api.entry_viewset import EntryViewSet
from portfolio.api.evidence import EvidenceViewSet
from portfolio.api.organisation_sign_offs import OrganisationSignOffViewSet
from portfolio.api.reading_lists import ReadingListViewSet
from portfolio.api.sign_off import SignOffRequestViewSet
from portfolio.api.trainees import TraineeViewSet

__all__ = [
    "CpdViewSet",
    "EntryViewSet",
    "EvidenceViewSet",
    "OrganisationSignOffViewSet",
    "ProgrammeCoverageViewSet",
    "ReadingListViewSet",
    "SignOffRequestViewSet",
    "TraineeViewSet",
]
