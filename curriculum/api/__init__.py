"""API for the curriculum: frameworks and items (public), programmes (for the people in
them), and what a programme holds — enrolments and requirements — for the admins of its
organisation. Writes go through curriculum.services, as for the pages."""

from curriculum.api.enrolments import EnrolmentViewSet
from curriculum.api.frameworks import FrameworkViewSet, ItemViewSet
from curriculum.api.programmes import ProgrammeViewSet
from curriculum.api.requirements import RequirementViewSet

__all__ = [
    "EnrolmentViewSet",
    "FrameworkViewSet",
    "ItemViewSet",
    "ProgrammeViewSet",
    "RequirementViewSet",
]
