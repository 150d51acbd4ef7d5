"""Reads of frameworks (public) and programmes (private, scoped to the asker)."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import PermissionDenied
from django.db.models import F, Q, QuerySet
from django.http import Http404

from accounts import selectors as account_selectors
from accounts.models import Organisation, Role, User
from core import dated
from core.access import get_or_404
from curriculum.models import Enrolment, Framework, Item, Programme, Requirement

# --- Frameworks and items: public ------------------------------------------------------------


def frameworks() -> QuerySet[Framework]:
    return Framework.objects.all()


def access_framework(slug: str, version: str) -> Framework:
    try:
        return Framework.objects.get(slug=slug, version=version)
    except Framework.DoesNotExist:
        raise Http404("No such framework.") from None


def access_item(framework: Framework, code: str) -> Item:
    try:
        return Item.objects.select_related("parent").get(framework=framework, code=code)
    except Item.DoesNotExist:
        raise Http404("No such item.") from None


@dataclass
class Node:
    item: Item
    depth: int
    children: list["Node"] = field(default_factory=list)


def item_tree(items: Iterable[Item]) -> list[Node]:
    """Arrange items (already fetched, in position order) into a tree, in memory, so a tree
    of any size costs the one query that fetched them."""
    nodes = {item.pk: Node(item=item, depth=0) for item in items}
    roots = []
    for node in nodes.values():
        parent = nodes.get(node.item.parent_id)
        if parent is None:
            roots.append(node)
        else:
            parent.children.append(node)

    def set_depth(node, depth):
        node.depth = depth
        for child in node.children:
            set_depth(child, depth + 1)

    for root in roots:
        set_depth(root, 0)
    return roots


def walk(nodes: list[Node]):
    """Depth-first, in tree order."""
    for node in nodes:
        yield node
        yield from walk(node.children)


def matching_ids(items: Iterable[Item], text: str) -> set[int]:
    """Ids of the items whose code, title or description contains `text`, ignoring case,
    searched in the items already fetched for the tree rather than with another query."""
    needle = text.casefold()
    return {
        item.pk
        for item in items
        if needle in item.code.casefold()
        or needle in item.title.casefold()
        or needle in item.description.casefold()
    }


def ancestor_ids(items_by_id: dict[int, Item], ids: set[int]) -> set[int]:
    found = set()
    for pk in ids:
        parent = items_by_id[pk].parent_id if pk in items_by_id else None
        while parent is not None and parent not in found:
            found.add(parent)
            parent = items_by_id[parent].parent_id
    return found


def descendant_ids(items: Iterable[Item], root_id: int) -> set[int]:
    """Ids of every item under `root_id` (not including it), from items already fetched."""
    children: dict[int | None, list[int]] = {}
    for item in items:
        children.setdefault(item.parent_id, []).append(item.pk)
    found, stack = set(), list(children.get(root_id, []))
    while stack:
        pk = stack.pop()
        found.add(pk)
        stack.extend(children.get(pk, []))
    return found


# --- Programmes: private ----------------------------------------------------------------------


def programmes_visible_to(user) -> QuerySet[Programme]:
    """Programmes the user is enrolled in, administers, or supervises a trainee enrolled in."""
    supervised = account_selectors.supervised_trainee_ids(user)
    return (
        Programme.objects.filter(
            Q(enrolments__trainee=user)
            | Q(organisation__memberships__user=user, organisation__memberships__role=Role.ADMIN)
            | Q(enrolments__trainee__in=supervised)
        )
        .distinct()
        .select_related("organisation")
        .prefetch_related("frameworks")
    )


def programmes_of_trainee(trainee) -> QuerySet[Programme]:
    return (
        Programme.objects.filter(enrolments__trainee=trainee)
        .distinct()
        .select_related("organisation")
    )


def programmes_of(organisation) -> QuerySet[Programme]:
    return Programme.objects.filter(organisation=organisation).prefetch_related("frameworks")


def access_programme_for_admin(
    user, slug: str, programme_id: int
) -> tuple[Organisation, Programme]:
    """The organisation and one of its programmes, for that organisation's admins only."""
    organisation = account_selectors.access_organisation_for_admin(user, slug)
    return organisation, get_or_404(
        programmes_of(organisation), "No such programme.", pk=programme_id
    )


def access_programme_to_manage(user, programme_id) -> Programme:
    """A programme the user may see (404 otherwise) and manage: only the admins of its
    organisation may (403 for anyone else who sees it, such as its trainees)."""
    # Without the frameworks the list prefetches: what a programme holds is managed by id.
    visible = programmes_visible_to(user).prefetch_related(None)
    programme = get_or_404(visible, "No such programme.", pk=programme_id)
    if not account_selectors.is_admin_of(user, programme.organisation_id):
        raise PermissionDenied("Only the organisation's admins manage its programmes.")
    return programme


def enrolments_in(programme: Programme) -> QuerySet[Enrolment]:
    return Enrolment.objects.filter(programme=programme).select_related("trainee")


def access_enrolment(programme: Programme, enrolment_id) -> Enrolment:
    return get_or_404(enrolments_in(programme), "No such enrolment.", pk=enrolment_id)


def enrolments_sharing_a_day(
    programme: Programme, trainee, start_date: date, end_date: date | None
) -> QuerySet[Enrolment]:
    """The trainee's enrolments in the programme with a day in common with the period,
    including one planned to start later: a trainee is enrolled once at a time."""
    return Enrolment.objects.filter(
        dated.sharing_a_day_with(start_date, end_date), programme=programme, trainee=trainee
    )


def requirements_of(programme: Programme) -> QuerySet[Requirement]:
    return Requirement.objects.filter(programme=programme).select_related("item")


def requirements_on_frameworks(programme: Programme, framework_ids) -> QuerySet[Requirement]:
    return Requirement.objects.filter(programme=programme, item__framework__in=framework_ids)


def unrequired_items_at_level(programme: Programme, level: str) -> QuerySet[Item]:
    """Items of the programme's frameworks it does not require yet: the top-level ones
    ("roots") or those without sub-items ("leaves")."""
    items = Item.objects.filter(framework__programmes=programme).exclude(
        requirements__programme=programme
    )
    if level == "roots":
        return items.filter(parent__isnull=True)
    return items.filter(children__isnull=True)


def access_requirement(programme: Programme, requirement_id) -> Requirement:
    return get_or_404(requirements_of(programme), "No such requirement.", pk=requirement_id)


def active_enrolments_of(trainee_ids) -> QuerySet[Enrolment]:
    return Enrolment.objects.active().filter(trainee_id__in=trainee_ids).select_related("programme")


def items_of_programme(programme: Programme) -> QuerySet[Item]:
    return items_of_programmes([programme])


def items_of_programmes(programmes) -> QuerySet[Item]:
    """The items of every programme's frameworks, each with the `programme_id` it is read
    for: an item of a framework two programmes share comes once for each."""
    return (
        Item.objects.filter(framework__programmes__in=programmes)
        .annotate(programme_id=F("framework__programmes"))
        .order_by("framework_id", "position", "code")
    )


def can_view_progress(viewer, trainee) -> bool:
    """A trainee's progress is seen by the trainee and by their active supervisors."""
    if viewer.pk == trainee.pk:
        return True
    return account_selectors.is_active_supervisor(viewer, trainee)


def access_trainee_programme(viewer, trainee_id: int, programme_id: int) -> tuple[User, Programme]:
    """The trainee and one of their programmes, if `viewer` may see that trainee's progress.
    Anything else is a 404, so nobody learns whom another trainee is."""
    # Most often viewers look at their own progress: they are loaded already.
    trainee = viewer if viewer.pk == trainee_id else User.objects.filter(pk=trainee_id).first()
    if trainee is None or not can_view_progress(viewer, trainee):
        raise Http404("No such trainee.")
    programme = programmes_of_trainee(trainee).filter(pk=programme_id).first()
    if programme is None:
        raise Http404("No such programme.")
    return trainee, programme
