"""What the patron views answer with: pages that are never cached, 303 redirects after a
POST, and the page for a link that does not work."""

from functools import wraps

from django.http import HttpResponseRedirect
from django.shortcuts import render

from articles.caching import mark_private

from ..patron_forms import EmailForm


class SeeOther(HttpResponseRedirect):
    """After a POST, the browser GETs the next page: reloading it never sends the form
    again."""

    status_code = 303


def private(view):
    """Every response of the view is `Cache-Control: private, no-store`: these pages are
    about one reader, or carry a CSRF token."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        return mark_private(view(request, *args, **kwargs))

    return wrapper


def page(request, template, context=None, *, status=200):
    return render(request, template, context or {}, status=status)


def problem(request, message, *, status=400):
    """A plain page that says what went wrong, with the way back to the account."""
    return page(request, "membership/problem.html", {"message": message}, status=status)


def link_problem(request, error):
    """A link that does not work (tokens.TokenError): what is wrong, and a form to ask for
    a new one."""
    context = {"message": error.message, "form": EmailForm()}
    return page(request, "membership/link_problem.html", context, status=error.status)
