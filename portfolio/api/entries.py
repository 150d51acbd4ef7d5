"""How a learning entry reads and is written in the API: with its sign-off, latest request
and evidence, its reflection only for those who may read it."""

from collections.abc import Iterable
from functools import cached_property, partial

import django_filters
from django import forms
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.pagination import PageNumberPagination

from accounts.models import User
from core.api import IdField, NamedChoiceField
from core.api_rows import ManyRows
from core.lookups import AnyOf
from curriculum.models import Item
from portfolio import listing, selectors
from portfolio.api.evidence import EvidenceSerializer
from portfolio.content import sign_off_matches
from portfolio.filters import EntryFilter
from portfolio.identifiers import patient_identifier_warnings
from portfolio.models import (
    LOGGABLE_KINDS,
    Evidence,
    LearningEntry,
    SignOff,
    SignOffRequest,
    Status,
)
from portfolio.paging import EntryPaginator
from portfolio.verification import sign_off_link


class PersonSerializer(ManyRows, serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    # A method field: a callable `source` has its signature inspected on every row.
    name = serializers.SerializerMethodField()

    def get_name(self, person) -> str:
        return person.get_full_name()


class SignOffSerializer(ManyRows, serializers.ModelSerializer):
    supervisor = PersonSerializer(read_only=True)

    class Meta:
        model = SignOff
        fields = ["id", "supervisor", "signed_at", "comment"]
        read_only_fields = fields


class SignOffDetailSerializer(SignOffSerializer):
    content_matches = serializers.BooleanField(
        read_only=True,
        help_text=(
            "Whether the entry is still exactly what was signed off: its content hash now "
            "equals the one recorded at sign-off."
        ),
    )

    verification_url = serializers.SerializerMethodField(
        help_text=(
            "The sign-off's public confirmation page: anyone holding this link, signed in or "
            "not, can check what was signed, by whom, when, and whether it still stands. "
            "Null for anyone but the trainee and the supervisor who signed."
        )
    )

    class Meta(SignOffSerializer.Meta):
        fields = [*SignOffSerializer.Meta.fields, "content_matches", "verification_url"]
        read_only_fields = fields

    def get_verification_url(self, sign_off) -> str | None:
        # As on the entry's page: the trainee's to share, the signer's to hand on.
        user = self.context["request"].user
        if user.pk in (sign_off.trainee_id, sign_off.supervisor_id):
            return sign_off_link(sign_off)
        return None


class SignOffRequestSerializer(ManyRows, serializers.ModelSerializer):
    supervisor = PersonSerializer(read_only=True)

    class Meta:
        model = SignOffRequest
        fields = ["id", "supervisor", "requested_at", "outcome", "decided_at", "comment"]
        read_only_fields = fields
        extra_kwargs = {"comment": {"help_text": "The supervisor's comment on their decision."}}


class EntrySerializer(ManyRows, serializers.ModelSerializer):
    """An entry as lists show it: everything but the reflection."""

    trainee = PersonSerializer(read_only=True)
    status = NamedChoiceField(choices=Status.choices, schema_name="EventStatusEnum", read_only=True)
    # Related rows are read from plain lists (see summarised and listed), not managers.
    tags = serializers.SerializerMethodField()
    items = serializers.SerializerMethodField(help_text="Ids of the curriculum items mapped.")
    evidence = EvidenceSerializer(many=True, read_only=True, source="listed_evidence")
    sign_off = serializers.SerializerMethodField(
        help_text="The sign-off in force; null if there is none."
    )
    latest_request = serializers.SerializerMethodField(
        help_text="The most recent request for sign-off, with its outcome and comment."
    )

    class Meta:
        model = LearningEntry
        fields = [
            "id",
            "trainee",
            "kind",
            "title",
            "date",
            "time",
            "duration_minutes",
            "cpd_credits",
            "provider",
            "location",
            "description",
            "tags",
            "items",
            "reflection_shared",
            "status",
            "source",
            "external_id",
            "created_at",
            "updated_at",
            "sign_off",
            "latest_request",
            "evidence",
        ]
        read_only_fields = fields

    # The nested serializers are made once per list, not once per row: building one
    # (copying its fields and reading the model's) costs more than representing a row.
    @cached_property
    def _sign_off(self):
        return SignOffSerializer()

    @cached_property
    def _request(self):
        return SignOffRequestSerializer()

    def get_tags(self, entry) -> list[str]:
        return entry.listed_tag_names

    def get_items(self, entry) -> list[int]:
        return entry.listed_item_ids

    @extend_schema_field(SignOffSerializer(allow_null=True))
    def get_sign_off(self, entry):
        sign_off = selectors.current_sign_off(entry)
        return self._sign_off.to_representation(sign_off) if sign_off else None

    @extend_schema_field(SignOffRequestSerializer(allow_null=True))
    def get_latest_request(self, entry):
        request = next(iter(entry.listed_sign_off_requests), None)
        return self._request.to_representation(request) if request else None


REFLECTION_FIELDS = ["reflection_what_happened", "reflection_learned", "reflection_next_time"]

# The entry page's warning, in the API's words.
IDENTIFIER_ADVICE = (
    "It may identify a patient: remove anything that could, or send `identifiers_checked: "
    "true` if you are sure nobody can be identified from it."
)
IDENTIFIERS_UNCHECKED = (
    "Check the reflection before saving: it looks as if it may identify a patient."
)


class EntryDetailSerializer(EntrySerializer):
    """One entry in full. The reflection is present only for the trainee, and for their
    supervisors when the trainee has shared it."""

    reflection_what_happened = serializers.CharField(
        required=False, help_text="Absent unless you may see the reflection."
    )
    reflection_learned = serializers.CharField(
        required=False, help_text="Absent unless you may see the reflection."
    )
    reflection_next_time = serializers.CharField(
        required=False, help_text="Absent unless you may see the reflection."
    )

    class Meta(EntrySerializer.Meta):
        fields = [*EntrySerializer.Meta.fields, *REFLECTION_FIELDS]
        read_only_fields = [f for f in fields if f not in REFLECTION_FIELDS]

    @extend_schema_field(SignOffDetailSerializer(allow_null=True))
    def get_sign_off(self, entry):
        sign_off = selectors.current_sign_off(entry)
        if sign_off is None:
            return None
        # Recomputing the hash reads the entry's mappings again: one query, so only here,
        # never per row of a list.
        sign_off.content_matches = sign_off_matches(sign_off)
        return SignOffDetailSerializer(sign_off, context=self.context).data

    def to_representation(self, entry):
        data = super().to_representation(entry)
        if not selectors.can_see_reflection(self.context["request"].user, entry):
            for name in REFLECTION_FIELDS:
                del data[name]
        return data


class EntryInputSerializer(serializers.Serializer):
    """An entry's fields as written. PUT replaces the entry: fields left out take their
    defaults. PATCH changes only the fields sent. A reflection that may identify a patient
    is refused until `identifiers_checked` confirms it cannot, as the entry's page asks."""

    kind = serializers.ChoiceField(
        choices=LOGGABLE_KINDS,
        help_text="Any kind but `assessment`: assessments are started at /assessments/.",
    )
    title = serializers.CharField(max_length=200)
    date = serializers.DateField()
    time = serializers.TimeField(allow_null=True, default=None)
    duration_minutes = serializers.IntegerField(min_value=1, allow_null=True, default=None)
    cpd_credits = serializers.DecimalField(
        max_digits=5,
        decimal_places=2,
        min_value=0,
        required=False,
        help_text="In quarter steps. Left out, one credit per hour of the duration.",
    )
    provider = serializers.CharField(max_length=200, allow_blank=True, default="")
    location = serializers.CharField(max_length=200, allow_blank=True, default="")
    description = serializers.CharField(allow_blank=True, default="")
    tags = serializers.ListField(
        child=serializers.CharField(max_length=50), default=list, help_text="Tag names."
    )
    items = serializers.ListField(
        child=IdField(),
        default=list,
        help_text="Ids of curriculum items of your programmes' frameworks.",
    )
    reflection_what_happened = serializers.CharField(allow_blank=True, default="")
    reflection_learned = serializers.CharField(allow_blank=True, default="")
    reflection_next_time = serializers.CharField(allow_blank=True, default="")
    reflection_shared = serializers.BooleanField(
        default=False, help_text="Share the reflection with your supervisors."
    )
    identifiers_checked = serializers.BooleanField(
        required=False,
        help_text=(
            "Send `true` to confirm that no patient can be identified from the reflection, "
            "when Waymark has warned that it may: as on the entry's page, a reflection that "
            "looks as if it holds an NHS number, a date of birth or a hospital number is "
            "refused (400, with the warnings by the reflection fields concerned) until you "
            "confirm. Nothing is stored about the confirmation."
        ),
    )

    def validate(self, data):
        confirmed = data.pop("identifiers_checked", False)
        # Only the reflection fields sent: a PATCH of the title does not ask again about a
        # reflection confirmed when it was saved.
        warnings = {
            name: found
            for name in REFLECTION_FIELDS
            if (found := patient_identifier_warnings(data.get(name) or ""))
        }
        if warnings and not confirmed:
            raise serializers.ValidationError(
                {
                    **{name: [*found, IDENTIFIER_ADVICE] for name, found in warnings.items()},
                    "identifiers_checked": [IDENTIFIERS_UNCHECKED],
                }
            )
        return data

    def validate_items(self, ids) -> list[Item]:
        items = list(Item.objects.filter(pk__in=ids))
        unknown = set(ids) - {item.pk for item in items}
        if unknown:
            raise serializers.ValidationError(
                f"No such curriculum item: {', '.join(map(str, sorted(unknown)))}."
            )
        return items


class EntryCreateSerializer(EntryInputSerializer):
    external_id = serializers.CharField(
        max_length=200,
        allow_blank=True,
        default="",
        help_text=(
            "Your system's id for this entry. Sending the same one again returns the entry "
            "already made (200) instead of making another."
        ),
    )


class MappingsSerializer(serializers.Serializer):
    items = serializers.ListField(
        child=IdField(),
        help_text="Ids of curriculum items of your programmes' frameworks; replaces the mappings.",
    )

    validate_items = EntryInputSerializer.validate_items


class IdFilter(django_filters.Filter):
    """An object's id. Unknown ids match nothing rather than being refused, so that the
    answer does not tell whether someone else's object exists."""

    field_class = forms.IntegerField


class EntryApiFilter(EntryFilter):
    """The entries page's filters, and `trainee` for supervisors. `item` takes any item's id
    here: a supervisor filters by items of their trainees' curricula, not their own."""

    trainee = IdFilter(field_name="trainee", label="Whose entries: yours, or a supervisee's")
    item = IdFilter(
        field_name="mappings__item",
        method="mapped_under",
        label="Mapped to this curriculum item or to one under it",
    )

    class Meta(EntryFilter.Meta):
        fields = [*EntryFilter.Meta.fields, "trainee"]


def summarised(entries: Iterable[LearningEntry]) -> list[LearningEntry]:
    """The entries, each with its trainee and with what EntrySerializer shows of its
    relations in plain lists (portfolio.listing), in six queries whatever their number.
    The trainee is read once per person: a join would make a model per row for the one or
    few people a page is about."""
    entries = list(entries)
    ids = [entry.pk for entry in entries]
    people = User.objects.in_bulk({entry.trainee_id for entry in entries})
    for entry in entries:
        entry.trainee = people[entry.trainee_id]
    listing.attach(entries, "tag_names", listing.tag_names(ids))
    listing.attach(entries, "item_ids", listing.item_links(ids, "item_id"))
    related = {
        "evidence": Evidence.objects.all(),
        "sign_offs": SignOff.objects.select_related("supervisor", "withdrawal", "link"),
        "sign_off_requests": SignOffRequest.objects.select_related("supervisor"),
    }
    for name, rows in related.items():
        listing.attach(entries, name, listing.by_entry(rows.filter(AnyOf("entry_id", ids))))
    return entries


class SummaryPaginator(EntryPaginator):
    read = staticmethod(summarised)


class EntryPages(PageNumberPagination):
    """Pages of entry summaries, chosen by id first as the entries page's are
    (portfolio.paging), so that page 40 costs what page 1 does; a search reads its matches
    once, as there."""

    def paginate_queryset(self, queryset, request, view=None):
        # The filters have run (a bad one is a 400 before this): `q` is a search.
        searched = bool(request.query_params.get("q"))
        self.django_paginator_class = partial(SummaryPaginator, searched=searched)
        return super().paginate_queryset(queryset, request, view)


def listed(entry: LearningEntry) -> LearningEntry:
    """An entry read with the usual prefetches (selectors.entry_detail), with the lists the
    serializers read made from them: no query."""
    entry.listed_tag_names = [tag.name for tag in entry.tags.all()]
    entry.listed_item_ids = [mapping.item_id for mapping in entry.mappings.all()]
    for name in ("evidence", "sign_offs", "sign_off_requests"):
        setattr(entry, f"listed_{name}", list(getattr(entry, name).all()))
    return entry
