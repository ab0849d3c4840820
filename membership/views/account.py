"""The patron's account page, and what they can do from it."""

from functools import wraps

from django.conf import settings
from django.http import JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from .. import account, session
from ..members import change_status, delete_member
from ..models import Membership
from ..payments import stripe_checkout
from .responses import SeeOther, page, private, problem

DATA_FILENAME = "membership-data.json"


def member_view(view):
    """The view gets the signed-in member; anyone else goes to the sign-in page."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        membership = session.current_member(request)
        if membership is None:
            return SeeOther(reverse("membership:sign_in"))
        return view(request, membership, *args, **kwargs)

    return wrapper


@private
@require_GET
@member_view
def account_page(request, membership):
    context = {
        "membership": membership,
        "options": account.options(membership),
        "contact_email": settings.DEFAULT_FROM_EMAIL,
    }
    response = page(request, "membership/account.html", context)
    return session.sync_patron_cookie(response, request, membership)


@private
@require_GET
@member_view
def account_data(request, membership):
    response = JsonResponse(account.export(membership), json_dumps_params={"indent": 2})
    response["Content-Disposition"] = f'attachment; filename="{DATA_FILENAME}"'
    return response


@private
@require_POST
@member_view
def account_cancel(request, membership):
    """Ends a membership that no payment provider manages; theirs end with them."""
    if not account.options(membership).can_cancel:
        return problem(
            request, _("Your membership is paid through Stripe or Patreon: cancel it there.")
        )
    change_status(membership, Membership.Status.CANCELLED)
    response = SeeOther(reverse("membership:account"))
    return session.sync_patron_cookie(response, request, membership)


@private
@require_POST
@member_view
def account_delete(request, membership):
    """Asks once more, then erases the member and signs them out."""
    if request.POST.get("confirm") != "yes":
        context = {"membership": membership, "options": account.options(membership)}
        return page(request, "membership/account_delete.html", context)
    session.sign_out(request)
    delete_member(membership)
    return session.clear_patron_cookie(SeeOther(reverse("membership:goodbye")))


@private
@require_POST
@member_view
def billing_portal(request, membership):
    """Stripe's customer portal, where Stripe patrons change their tier, card or cancel."""
    if not account.options(membership).portal:
        return problem(request, _("Your payments are not managed through Stripe."))
    try:
        return SeeOther(stripe_checkout.portal_url(request, membership))
    except stripe_checkout.PaymentError:
        return problem(
            request, _("We could not reach our payment provider. Please try again."), status=502
        )


@private
@require_GET
def goodbye(request):
    return page(request, "membership/goodbye.html")
