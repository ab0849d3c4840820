from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from wagtail.models import Site

from membership import examples
from membership.models import SignupPage, TopicsPage


class Command(BaseCommand):
    help = (
        "Create an example tier when there is none, a live sign-up page at /support/ and a "
        "live topics page at /topics/ under the default site's home page when there are "
        "none, and an example voting round of three topics when there is none. Safe to run "
        "again."
    )

    def handle(self, *args, **options):
        site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
        if site is None:
            raise CommandError(_("There is no default site to add the sign-up page to."))
        home = site.root_page.specific
        created = False
        tier = examples.ensure_example_tier()
        if tier is not None:
            created = True
            self.stdout.write(
                _("Created the tier %(name)r: edit or replace it under Tiers in the admin.")
                % {"name": tier.name}
            )
        created |= self._page(examples.ensure_signup_page(home), SignupPage, examples.SUPPORT_SLUG)
        created |= self._page(examples.ensure_topics_page(home), TopicsPage, examples.TOPICS_SLUG)
        voting_round = examples.ensure_example_round()
        if voting_round is not None:
            created = True
            self.stdout.write(
                _(
                    "Created the example voting round %(title)r with three example topics, "
                    "open until %(closes)s: edit or delete it in the admin."
                )
                % {"title": voting_round.title, "closes": f"{voting_round.closes_at:%Y-%m-%d}"}
            )
        if not created:
            self.stdout.write(
                _("Tiers, the sign-up and topics pages and a voting round exist; nothing to add.")
            )

    def _page(self, page, model, slug):
        """Says what became of the page of this type; True when it was created."""
        if page is not None:
            self.stdout.write(
                _("Created the %(kind)s at %(url)s.")
                % {"kind": model._meta.verbose_name, "url": page.get_url() or page.url_path}
            )
            return True
        if not model.objects.exists():
            self.stdout.write(
                _("Another page already uses /%(slug)s/: add a %(kind)s in the admin yourself.")
                % {"slug": slug, "kind": model._meta.verbose_name}
            )
        return False
