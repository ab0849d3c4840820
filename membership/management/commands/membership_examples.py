from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from wagtail.models import Site

from membership import examples
from membership.models import SignupPage


class Command(BaseCommand):
    help = (
        "Create an example tier when there is none, and a live sign-up page at /support/ "
        "under the default site's home page when there is none. Safe to run again."
    )

    def handle(self, *args, **options):
        site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
        if site is None:
            raise CommandError(_("There is no default site to add the sign-up page to."))
        tier = examples.ensure_example_tier()
        if tier is not None:
            self.stdout.write(
                _("Created the tier %(name)r: edit or replace it under Tiers in the admin.")
                % {"name": tier.name}
            )
        page = examples.ensure_signup_page(site.root_page.specific)
        if page is not None:
            self.stdout.write(
                _("Created the sign-up page at %(url)s.") % {"url": page.get_url() or page.url_path}
            )
        elif not SignupPage.objects.exists():
            self.stdout.write(
                _(
                    "Another page already uses /%(slug)s/: add a sign-up page in the admin for "
                    "appeals to lead to."
                )
                % {"slug": examples.SUPPORT_SLUG}
            )
        elif tier is None:
            self.stdout.write(_("Tiers and a sign-up page already exist; nothing to add."))
