"""The badge rule language, as the API schema documents it.

A rule travels as JSON and is checked by badges.rules (the one schema, with problems in
words); the serializers here only describe each kind of rule for the OpenAPI schema, so that
a client can see, for instance, that `signed_off_only` counts only entries a supervisor has
signed off. They never validate anything."""

from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema_field
from rest_framework import serializers

from assessments.models import AssessmentType
from portfolio.models import Kind

SIGNED_OFF_ONLY = (
    "Count only entries under a standing supervisor sign-off (one given and not withdrawn)."
)


class WindowSerializer(serializers.Serializer):
    last_days = serializers.IntegerField(
        required=False, min_value=1, max_value=3660, help_text="The last N days, today included."
    )
    academic_year = serializers.BooleanField(
        required=False, help_text="true: the training year so far, from 1 August."
    )

    class Meta:
        ref_name = "BadgeRuleWindow"


class EventCountRuleSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=["event_count"])
    min = serializers.IntegerField(min_value=1, help_text="At least this many entries.")
    kinds = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        help_text=f"Kinds of entry, as an event's `kind`: {', '.join(Kind.values)}.",
    )
    tags = serializers.ListField(child=serializers.CharField(), required=False)
    items = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        help_text="Curriculum items as framework-slug/version/CODE, each with everything under it.",
    )
    signed_off_only = serializers.BooleanField(required=False, help_text=SIGNED_OFF_ONLY)
    provider = serializers.CharField(required=False)
    assessment_types = serializers.ListField(
        child=serializers.ChoiceField(choices=AssessmentType.choices),
        required=False,
        help_text="Only completed assessments of these types count.",
    )
    by_ticket = serializers.BooleanField(
        required=False,
        help_text="true: only assessments completed through a one-time link; false: only "
        "those completed by an assessor who signed in.",
    )
    window = WindowSerializer(required=False)
    label = serializers.CharField(
        required=False, help_text="What the progress shown to trainees counts."
    )


class CpdCreditsRuleSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=["cpd_credits"])
    min = serializers.FloatField(help_text="More than 0 CPD credits.")
    signed_off_only = serializers.BooleanField(required=False, help_text=SIGNED_OFF_ONLY)
    window = WindowSerializer(required=False)


class CoverageRuleSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=["coverage"])
    item = serializers.CharField(help_text="A curriculum item, framework-slug/version/CODE.")
    min_signed_off = serializers.IntegerField(
        min_value=1, help_text="Signed-off entries every item under it needs."
    )


class BadgesRuleSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=["badges"])
    all = serializers.ListField(
        child=serializers.SlugField(), required=False, help_text="Every one of these badges."
    )
    of = serializers.ListField(child=serializers.SlugField(), required=False)
    at_least = serializers.IntegerField(
        min_value=1, required=False, help_text="At least this many of the badges in `of`."
    )


class AttendanceRuleSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=["attendance"])
    programme = serializers.SlugField(help_text="A teaching programme of the issuer's.")
    min_percent = serializers.FloatField(help_text="Of its sessions held so far, over 0.")
    mandatory_only = serializers.BooleanField(required=False)


class ExternalBadgeRuleSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=["external_badge"])
    issuer = serializers.CharField(
        max_length=500,
        help_text="The issuer's id as its badges name it: an Open Badges 2.0 issuer profile "
        "URL or an Open Badges 3.0 issuer id.",
    )
    achievement = serializers.CharField(
        max_length=500,
        required=False,
        help_text="The BadgeClass URL or achievement id; without it, any badge by the issuer.",
    )


class RuleField(serializers.JSONField):
    """A badge rule, as JSON; documented by kind of rule (below), checked by the service."""


class CombinedRuleSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=["all", "any"])
    rules = serializers.ListField(
        child=RuleField(), help_text="Rules of any kind: every one met (all) or any one (any)."
    )


RULE = PolymorphicProxySerializer(
    component_name="BadgeRule",
    serializers={
        "event_count": EventCountRuleSerializer,
        "cpd_credits": CpdCreditsRuleSerializer,
        "coverage": CoverageRuleSerializer,
        "badges": BadgesRuleSerializer,
        "attendance": AttendanceRuleSerializer,
        "external_badge": ExternalBadgeRuleSerializer,
        "all": CombinedRuleSerializer,
        "any": CombinedRuleSerializer,
    },
    resource_type_field_name="type",
)

extend_schema_field(RULE)(RuleField)
