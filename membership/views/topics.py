"""Voting and suggesting topics: what the topics page's forms, and its script, post.

A person gets a 303 back to the topics page with a message, or a page that says what went
wrong and links back, with its 4xx. A script that asks for JSON (Accept: application/json)
gets {"count", "voted", "votes_left"} ("count" is null while the round is sealed), or
{"error", "message"} with the same status. The rules are membership.voting's.
"""

from django.contrib import messages
from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import conf, ratelimit, session, topic_listing, voting
from ..forms import SuggestionForm
from ..models import Topic, VotingRound
from ..models.voting import MAX_ID
from .responses import SeeOther, page, private

VOTE, WITHDRAW = "vote", "withdraw"


def wants_json(request):
    """Only a client that prefers JSON gets it: a browser's form post accepts */* too."""
    return request.get_preferred_type(["text/html", "application/json"]) == "application/json"


def _limit(request, scope, limit, membership):
    # Per member, not per address: patrons behind one office or mobile network vote apart.
    client = f"member:{membership.pk}"
    return ratelimit.hit_write(request, scope, limit=limit, client=client)


def _problem(request, error, status, message):
    if wants_json(request):
        return JsonResponse({"error": error, "message": str(message)}, status=status)
    context = {
        "error": error,
        "message": message,
        "topics_url": topic_listing.topics_url(request),
    }
    return page(request, "membership/topic_problem.html", context, status=status)


def _refused(request, refused):
    return _problem(request, refused.reason, refused.status, refused.message)


def _not_found(request):
    return _problem(request, "not_found", 404, _("There is no such topic."))


def _over_limit(request, limit):
    return ratelimit.refusal(
        limit,
        request,
        as_json=wants_json(request),
        back_url=topic_listing.topics_url(request),
    )


@private
@require_POST
def vote(request, topic_id):
    """`action=vote` (with `notify=1` to be told when it is covered) or `action=withdraw`."""
    action = request.POST.get("action")
    if action not in (VOTE, WITHDRAW):
        return _problem(
            request, "unknown_action", 400, _("Choose to vote for the topic or to withdraw.")
        )
    if topic_id > MAX_ID:
        return _not_found(request)
    membership = session.current_member(request)
    if membership is None:
        return _refused(request, voting.Refused("not_signed_in"))
    limit = _limit(request, "vote", conf.vote_rate_limit(), membership)
    if not limit.allowed:
        return _over_limit(request, limit)
    topic = Topic.objects.filter(pk=topic_id).first()
    if topic is None:
        return _not_found(request)
    try:
        if action == VOTE:
            ballot = voting.cast(membership, topic, notify=request.POST.get("notify") == "1")
        else:
            ballot = voting.withdraw(membership, topic)
    except voting.Refused as refused:
        return _refused(request, refused)
    if wants_json(request):
        response = JsonResponse(
            {"count": ballot.count, "voted": ballot.voted, "votes_left": ballot.votes_left}
        )
    else:
        if ballot.voted:
            message = _("Your vote for “%(topic)s” is counted.")
        else:
            message = _("You withdrew your vote for “%(topic)s”.")
        messages.success(request, message % {"topic": topic.title})
        response = SeeOther(f"{topic_listing.topics_url(request)}#topic-{topic.pk}")
    return session.sync_patron_cookie(response, request, membership)


@private
@require_POST
def suggest(request):
    """A topic for the round open now; it waits for moderation."""
    membership = session.current_member(request)
    if membership is None:
        return _refused(request, voting.Refused("not_signed_in"))
    limit = _limit(request, "suggest", conf.suggest_rate_limit(), membership)
    if not limit.allowed:
        return _over_limit(request, limit)
    voting_round = VotingRound.objects.current()
    if voting_round is None:
        return _refused(request, voting.Refused("no_round"))
    form = SuggestionForm(request.POST)
    if not form.is_valid():
        context = {"form": form, "topics_url": topic_listing.topics_url(request)}
        return page(request, "membership/suggest.html", context, status=400)
    try:
        topic = voting.suggest(
            membership,
            voting_round,
            title=form.cleaned_data["title"],
            description=form.cleaned_data["description"],
        )
    except voting.Refused as refused:
        return _refused(request, refused)
    messages.success(
        request,
        _("Thank you: “%(topic)s” waits for our editors, who read every suggestion.")
        % {"topic": topic.title},
    )
    response = SeeOther(f"{topic_listing.topics_url(request)}#your-suggestions")
    return session.sync_patron_cookie(response, request, membership)
