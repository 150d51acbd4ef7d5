"""Curriculum coverage: how a trainee's entries cover the items of a programme's frameworks,
and whether each requirement is met. The item tree is curriculum's; the entries are ours."""

from dataclasses import dataclass, field

from django.db.models import Count, Q

from curriculum import selectors as curriculum_selectors
from curriculum.models import Item, Programme, Requirement
from portfolio.models import EntryItem, LearningEntry, Status

MET, PARTLY, NOT_STARTED = "met", "partly", "not_started"
STATUS_LABELS = {MET: "Met", PARTLY: "Partly met", NOT_STARTED: "Not started"}


@dataclass
class CoverageRow:
    item: Item
    depth: int
    mapped: int
    signed_off: int
    requirement: Requirement | None
    # For a required item: met / partly / not_started. For a parent: the roll-up of the
    # requirements beneath it. None where nothing is required.
    status: str | None
    children: list["CoverageRow"] = field(default_factory=list)

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, "Not required")

    @property
    def counted(self) -> int:
        """The entries that count towards the requirement."""
        if self.requirement and self.requirement.signed_off_required:
            return self.signed_off
        return self.mapped


def requirement_status(requirement: Requirement, mapped: int, signed_off: int) -> str:
    counted = signed_off if requirement.signed_off_required else mapped
    if counted >= requirement.min_entries:
        return MET
    return PARTLY if mapped else NOT_STARTED


def roll_up(statuses: list[str]) -> str | None:
    if not statuses:
        return None
    if all(s == MET for s in statuses):
        return MET
    if all(s == NOT_STARTED for s in statuses):
        return NOT_STARTED
    return PARTLY


def coverage(*, trainee, programme: Programme) -> list[CoverageRow]:
    """Every item of the programme's frameworks, as a tree, with the trainee's mapped and
    signed-off entry counts and whether each requirement is met. Three queries whatever the
    size of the programme or the portfolio (see coverage_of_programmes)."""
    ((_, rows),) = coverage_of_programmes(trainee=trainee, programmes=[programme])
    return rows


def coverage_of_programmes(*, trainee, programmes) -> list[tuple[Programme, list[CoverageRow]]]:
    """Each programme with its coverage rows, as `coverage` gives them, in the order given.

    Three queries however many programmes, items or entries: the items of every programme's
    frameworks, the programmes' requirements, and the evidence counts (one aggregate). A
    trainee's dashboard and supervisor's page list every programme the trainee was ever
    enrolled in, and a career adds programmes: each must not cost queries of its own.
    """
    programmes = list(programmes)
    if not programmes:
        return []
    # What a row shows and the tree needs: descriptions and extra fields are long, and
    # every reader of the rows (pages, API, export, review) shows code and title only. A
    # framework two programmes share comes once for each, so each tree has items of its own.
    items = curriculum_selectors.items_of_programmes(programmes).only(
        "framework_id", "parent_id", "position", "code", "title"
    )
    items_of: dict[int, list[Item]] = {p.pk: [] for p in programmes}
    for item in items:
        items_of[item.programme_id].append(item)
    requirements_of: dict[int, dict[int, Requirement]] = {p.pk: {} for p in programmes}
    for requirement in Requirement.objects.filter(programme__in=programmes):
        requirements_of[requirement.programme_id][requirement.item_id] = requirement
    counts = evidence_counts(trainee, list({i.pk for found in items_of.values() for i in found}))

    def build(node: curriculum_selectors.Node, requirements) -> CoverageRow:
        mapped, signed = counts.get(node.item.pk, (0, 0))
        requirement = requirements.get(node.item.pk)
        children = [build(child, requirements) for child in node.children]
        if requirement:
            status = requirement_status(requirement, mapped, signed)
        else:
            status = roll_up([c.status for c in children if c.status is not None])
        return CoverageRow(node.item, node.depth, mapped, signed, requirement, status, children)

    def rows_of(programme: Programme) -> list[CoverageRow]:
        requirements = requirements_of[programme.pk]
        return [
            build(root, requirements)
            for root in curriculum_selectors.item_tree(items_of[programme.pk])
        ]

    return [(programme, rows_of(programme)) for programme in programmes]


def coverage_summary(rows: list[CoverageRow]) -> dict[str, int]:
    """How many required items are met, partly met and not started."""
    summary = {MET: 0, PARTLY: 0, NOT_STARTED: 0}
    stack = list(rows)
    while stack:
        row = stack.pop()
        if row.requirement:
            summary[row.status] += 1
        stack.extend(row.children)
    summary["required"] = sum(summary.values())
    return summary


def evidence_counts(trainee, item_ids) -> dict[int, tuple[int, int]]:
    """For each item, how many of the trainee's entries map to it and how many of those are
    signed off. One aggregate query over the trainee's item links alone: an entry maps to an
    item once, so its links count entries without DISTINCT; the signed-off ones are those
    among the trainee's signed-off entries, read once, rather than the status of every linked
    entry joined in."""
    signed_off = LearningEntry.objects.filter(trainee=trainee, status=Status.SIGNED_OFF)
    rows = (
        EntryItem.objects.filter(trainee=trainee, item_id__in=item_ids)
        .values("item_id")
        .annotate(
            mapped=Count("entry"),
            signed=Count("entry", filter=Q(entry__in=signed_off.values("pk"))),
        )
    )
    return {row["item_id"]: (row["mapped"], row["signed"]) for row in rows}
