"""Agreements' part of Now (``dynamics.now``): a draft or change to sign, the
partner's comments on it still unanswered, and the steps of setting up that
are about the agreement (draft it, sign it). Two queries, whatever the
number of versions signed before."""

from datetime import datetime

from django.db.models import Q
from django.urls import reverse

from agreements.models import AgreementVersion, Comment
from dynamics.models import Membership
from dynamics.now import Part, Step, Waiting


def part(me: Membership, now: datetime) -> Part:
    d = me.dynamic_id
    # At most one draft, and it has the highest number: the two newest
    # versions hold the draft and the version in force.
    versions = list(
        AgreementVersion.objects.filter(dynamic_id=d)
        .filter(Q(in_force_from__isnull=True) | Q(in_force_from__lte=now))
        .order_by("-number")[:2]
    )
    draft = next((v for v in versions if v.in_force_from is None), None)
    in_force = next((v for v in versions if v.in_force_from is not None), None)
    result = Part(in_force=in_force is not None)
    agreement_url = reverse("agreements:show_agreement", args=[d])
    if draft is not None:
        draft_url = reverse("agreements:show_version", args=[d, draft.number])
        partner_role = "follower" if me.is_leader else "leader"
        if draft.signed_at(me.role) is None:
            if draft.signed_at(partner_role) is not None:
                text = "Draft %(n)s: your partner signed; your signature is missing"
            elif draft.based_on_id is not None:
                text = "A change to the agreement (draft %(n)s) to read and sign"
            else:
                text = "Draft %(n)s of the agreement to read and sign"
            result.waiting.append(
                Waiting(
                    "sign_draft",
                    text % {"n": draft.number},
                    f"{draft_url}#signatures",
                    draft.created_at,
                )
            )
        comments = list(
            Comment.objects.filter(version=draft)
            .order_by("-created_at", "-id")
            .values_list("author_role", "created_at")[:50]
        )
        unanswered = []
        for role, at in comments:
            if role == me.role:
                break
            unanswered.append(at)
        if unanswered:
            result.waiting.append(
                Waiting(
                    "draft_comments",
                    f"{len(unanswered)} comment{'s' if len(unanswered) != 1 else ''}"
                    f" from your partner on draft {draft.number} to answer",
                    f"{draft_url}#comments",
                    min(unanswered),
                )
            )
    result.setup.append(
        Step(
            2,
            "draft",
            "Draft your agreement together",
            draft is not None or in_force is not None,
            agreement_url,
        )
    )
    sign_url = (
        reverse("agreements:show_version", args=[d, draft.number]) + "#signatures"
        if draft is not None
        else agreement_url
    )
    result.setup.append(
        Step(3, "sign", "Both sign the agreement", in_force is not None, sign_url)
    )
    return result
