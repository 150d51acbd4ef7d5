"""Sign-off: an entry's submission, recall, approval, return and withdrawal (actions at
/events/{id}/…), and the supervisor's queue of open requests."""

from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts import selectors as account_selectors
from accounts.models import User
from core.api import INVALID, IdField, VisibleToCaller
from portfolio import selectors, services
from portfolio.api.entries import EntrySerializer, PersonSerializer
from portfolio.api.schema import UNAUTHENTICATED, entry_errors
from portfolio.models import TEXT_MAX_LENGTH, LearningEntry, SignOffRequest, SignOffWithdrawal

# Requests signed off in one call: each is a transaction, an audit entry and an email.
BATCH_MAX = 100


class WithdrawalSerializer(serializers.ModelSerializer):
    # The API keeps its first word for an entry ("event"), as its paths do (/events/).
    event = serializers.IntegerField(source="sign_off.entry_id", read_only=True)
    status = serializers.CharField(
        source="sign_off.entry.status",
        read_only=True,
        help_text="The entry's status now: back to draft, for the trainee to change.",
    )
    withdrawn_by = PersonSerializer(read_only=True)

    class Meta:
        model = SignOffWithdrawal
        fields = ["event", "status", "withdrawn_by", "reason", "withdrawn_at"]
        read_only_fields = fields


class QueuedEntrySerializer(serializers.ModelSerializer):
    trainee = PersonSerializer(read_only=True)

    class Meta:
        model = LearningEntry
        fields = ["id", "trainee", "kind", "title", "date"]
        read_only_fields = fields


class QueuedRequestSerializer(serializers.ModelSerializer):
    event = QueuedEntrySerializer(source="entry", read_only=True)

    class Meta:
        model = SignOffRequest
        fields = ["id", "event", "requested_at"]
        read_only_fields = fields


class SubmitSerializer(serializers.Serializer):
    supervisor = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.none(),
        help_text="The id of one of the trainee's current supervisors.",
        error_messages={"does_not_exist": "Not one of the trainee's current supervisors."},
    )

    def __init__(self, *args, trainee=None, **kwargs):
        super().__init__(*args, **kwargs)
        if trainee is not None:
            # Only the trainee's own supervisors can be chosen, so an id cannot be used to
            # learn who else has an account.
            self.fields["supervisor"].queryset = account_selectors.current_supervisors(trainee)


class ApproveSerializer(serializers.Serializer):
    comment = serializers.CharField(allow_blank=True, default="")


class ReturnSerializer(serializers.Serializer):
    comment = serializers.CharField(
        allow_blank=True, help_text="What the trainee should change. Required."
    )


class WithdrawSerializer(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True, help_text="Why. Required.")


class BatchApproveSerializer(serializers.Serializer):
    requests = serializers.ListField(
        child=IdField(),
        allow_empty=False,
        max_length=BATCH_MAX,
        help_text=(
            "Ids of requests waiting for you, as the queue lists them (not the entries' "
            f"ids): each is signed off as it stood when listed. At most {BATCH_MAX}."
        ),
    )
    comment = serializers.CharField(
        allow_blank=True,
        default="",
        max_length=TEXT_MAX_LENGTH,
        help_text="Optional. The same comment goes with each sign-off.",
    )


class BatchApprovedSerializer(serializers.Serializer):
    request = serializers.IntegerField(source="pk")
    event = serializers.IntegerField(source="entry_id")


class BatchRefusedSerializer(serializers.Serializer):
    request = serializers.IntegerField(source="request.pk")
    event = serializers.IntegerField(source="request.entry_id")
    stale = serializers.BooleanField(
        help_text="The request was decided or recalled since it was listed: read the queue "
        "again. Otherwise a rule refused it (see `reason`)."
    )
    reason = serializers.CharField(help_text="Why, in words.")


class BatchOutcomeSerializer(serializers.Serializer):
    signed_off = BatchApprovedSerializer(
        source="approved", many=True, help_text="Requests whose entries are now signed off."
    )
    refused = BatchRefusedSerializer(
        source="refusals", many=True, help_text="Requests left as they were, and why."
    )
    unknown = serializers.ListField(
        source="unknown_ids",
        child=serializers.IntegerField(),
        help_text="Ids sent that name no request sent to you; nothing was done with them.",
    )


class SignOffActions:
    """Sign-off actions of the entries viewset, which supplies get_object and _summary."""

    @extend_schema(
        summary="Ask a supervisor to sign the entry off",
        request=SubmitSerializer,
        responses={200: EntrySerializer, **entry_errors(400, 401, 403, 404, 409)},
    )
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        entry = self.get_object()
        serializer = SubmitSerializer(data=request.data, trainee=entry.trainee)
        serializer.is_valid(raise_exception=True)
        services.submit_for_sign_off(
            entry=entry, supervisor=serializer.validated_data["supervisor"], actor=request.user
        )
        return self._summary(entry)

    @extend_schema(
        summary="Recall the request for sign-off, to change the entry again",
        request=None,
        responses={200: EntrySerializer, **entry_errors(401, 403, 404, 409)},
    )
    @action(detail=True, methods=["post"])
    def recall(self, request, pk=None):
        entry = self.get_object()
        services.recall_request(entry=entry, actor=request.user)
        return self._summary(entry)

    @extend_schema(
        summary="Sign the entry off (the supervisor asked)",
        request=ApproveSerializer,
        responses={200: EntrySerializer, **entry_errors(400, 401, 403, 404, 409)},
    )
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        entry = self.get_object()
        serializer = ApproveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.approve(entry=entry, actor=request.user, **serializer.validated_data)
        return self._summary(entry)

    @extend_schema(
        summary="Return the entry to the trainee with a comment (the supervisor asked)",
        request=ReturnSerializer,
        responses={200: EntrySerializer, **entry_errors(400, 401, 403, 404, 409)},
    )
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_(self, request, pk=None):
        entry = self.get_object()
        serializer = ReturnSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.return_entry(entry=entry, actor=request.user, **serializer.validated_data)
        return self._summary(entry)

    @extend_schema(
        summary="Withdraw the entry's sign-off",
        description=(
            "For the supervisor who signed it off. The entry goes back to draft, which only "
            "the trainee can see, so the answer is the withdrawal rather than the entry."
        ),
        request=WithdrawSerializer,
        responses={200: WithdrawalSerializer, **entry_errors(400, 401, 403, 404, 409)},
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        entry = self.get_object()
        serializer = WithdrawSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        withdrawal = services.withdraw_sign_off(
            entry=entry, actor=request.user, **serializer.validated_data
        )
        return Response(WithdrawalSerializer(withdrawal).data)


@extend_schema(tags=["sign-off"])
@extend_schema_view(
    list=extend_schema(
        summary="Requests for sign-off waiting for you",
        description="Open requests addressed to you by trainees you still supervise; oldest first.",
        responses={200: QueuedRequestSerializer(many=True), 401: UNAUTHENTICATED},
    ),
)
class SignOffRequestViewSet(VisibleToCaller, mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = QueuedRequestSerializer
    queryset = SignOffRequest.objects.none()

    oauth_scopes = {"read": "entries:read", "write": "entries:write"}

    def visible_to(self, user):
        return selectors.sign_off_queue(user)

    @extend_schema(
        summary="Sign off several entries at once",
        description=(
            "As the sign-off queue's batch: each request's entry is signed off in a "
            "transaction of its own, so one that cannot be (recalled by the trainee since "
            "you listed it, decided meanwhile, evidence still being processed, a supervision "
            "that has ended) leaves the others signed off. The answer says which were signed "
            "off and which were not, and why; it is 200 even when none was."
        ),
        request=BatchApproveSerializer,
        responses={200: BatchOutcomeSerializer, 400: INVALID, 401: UNAUTHENTICATED},
        examples=[
            OpenApiExample(
                "Two requests from the queue",
                request_only=True,
                value={"requests": [41, 42], "comment": "Good work."},
            ),
            OpenApiExample(
                "One signed off, one recalled meanwhile",
                response_only=True,
                value={
                    "signed_off": [{"request": 41, "event": 310}],
                    "refused": [
                        {
                            "request": 42,
                            "event": 311,
                            "stale": True,
                            "reason": "It is no longer waiting for your sign-off: it was "
                            "recalled by the trainee.",
                        }
                    ],
                    "unknown": [],
                },
            ),
        ],
    )
    @action(detail=False, methods=["post"], filter_backends=[], pagination_class=None)
    def approve(self, request):
        given = BatchApproveSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        outcome = services.approve_batch(
            request_ids=given.validated_data["requests"],
            actor=request.user,
            comment=given.validated_data["comment"],
        )
        return Response(BatchOutcomeSerializer(outcome).data)
