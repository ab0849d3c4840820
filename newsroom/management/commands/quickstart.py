"""Set up a local site in one go: migrate, import the seed story, add the sign-up page,
explain sign-in, serve."""

import os
import sys
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _
from wagtail.models import Site

from newsroom.home.standard_pages import ensure_standard_pages

DEFAULT_ADDRPORT = "127.0.0.1:8000"


def browser_url(addrport):
    """The URL a person on this machine types, for a runserver `addrport`."""
    host, _sep, port = addrport.rpartition(":")
    if not port.isdigit():
        raise CommandError(
            _("--addrport must look like %(example)s or 8000, not %(value)r.")
            % {"example": DEFAULT_ADDRPORT, "value": addrport}
        )
    host = host or "127.0.0.1"
    if host in {"0.0.0.0", "[::]", "::"}:  # noqa: S104 - displayed, not bound
        host = "127.0.0.1"
    return f"http://{host}:{port}/"


class Command(BaseCommand):
    help = (
        "Migrate the database, import the seed stories, add an example tier and the sign-up "
        "page, explain how to sign in to the admin, then serve the site with runserver."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-serve",
            action="store_true",
            help="Set everything up but do not start the development server.",
        )
        parser.add_argument(
            "--addrport",
            default=DEFAULT_ADDRPORT,
            help=f"Address and port for runserver (default {DEFAULT_ADDRPORT}).",
        )

    def handle(self, *args, no_serve=False, addrport=DEFAULT_ADDRPORT, **options):
        verbosity = options["verbosity"]
        url = browser_url(addrport)

        self.heading(_("Migrating the database…"))
        call_command("migrate", interactive=False, verbosity=max(verbosity - 1, 0))
        self.stdout.write(_("Database is up to date."))

        self.heading(_("Importing the seed stories…"))
        if "import_seed" in get_commands():
            call_command("import_seed", stdout=self.stdout, stderr=self.stderr)
        else:
            self.stderr.write(_("The import_seed command is not installed; no stories imported."))

        self.heading(_("Setting up patron sign-ups…"))
        if "membership_examples" in get_commands():
            call_command("membership_examples", stdout=self.stdout, stderr=self.stderr)
        else:
            self.stdout.write(_("Membership is not installed; no sign-up page."))

        self.heading(_("Adding the About and Privacy pages…"))
        self.ensure_standard_pages()

        self.point_default_site_at(url)

        self.heading(_("Signing in to the admin"))
        self.explain_sign_in(url)

        self.heading(_("Scheduled publishing"))
        self.stdout.write(
            _(
                "Pages and appeals scheduled for later go live when `publish_scheduled` runs.\n"
                "Run it every minute, for example with this crontab line:\n"
                "  %(cron)s"
            )
            % {
                "cron": f"* * * * * cd {settings.BASE_DIR} && "
                ".venv/bin/python manage.py publish_scheduled"
            }
        )

        if no_serve:
            self.stdout.write(
                self.style.SUCCESS(
                    "\n"
                    + _("Ready. Serve the site with `%(start)s`, or with `%(runserver)s`.")
                    % {
                        "start": "bash .ci/start",
                        "runserver": f".venv/bin/python manage.py runserver {addrport}",
                    }
                )
            )
            return

        self.stdout.write(
            self.style.SUCCESS(
                "\n"
                + _("Serving the site on %(url)s (admin: %(admin)s). Ctrl+C stops.")
                % {"url": url, "admin": f"{url}admin/"}
            )
        )
        self.stdout.flush()
        # Become a plain `manage.py runserver`, so its autoreloader restarts runserver alone
        # instead of re-running this whole command on every code change.
        manage_py = str(settings.BASE_DIR / "manage.py")
        os.execv(sys.executable, [sys.executable, manage_py, "runserver", addrport])  # noqa: S606

    def ensure_standard_pages(self):
        site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
        if site is None:
            self.stderr.write(_("There is no default site; no About or Privacy page added."))
            return
        created = ensure_standard_pages(site.root_page)
        for page in created:
            self.stdout.write(
                _("Created the page %(title)r at %(url)s: edit it in the admin.")
                % {
                    "title": page.title,
                    "url": page.relative_url(site),
                }
            )
        if not created:
            self.stdout.write(_("The About and Privacy pages are already there."))

    def point_default_site_at(self, url):
        """Canonical links, feeds and sitemaps use the Wagtail Site's address. The migration
        creates it as localhost:80; point it at the address served here, unless an editor
        has changed it."""
        parts = urlsplit(url)
        site = Site.objects.filter(is_default_site=True, hostname="localhost", port=80).first()
        if site is None or (site.hostname, site.port) == (parts.hostname, parts.port):
            return
        site.hostname, site.port = parts.hostname, parts.port
        site.save()
        self.stdout.write(
            _("The default site now answers at %(url)s (change it under Settings → Sites).")
            % {"url": url}
        )

    def heading(self, text):
        self.stdout.write(self.style.MIGRATE_HEADING(f"\n== {text}"))

    def explain_sign_in(self, url):
        admin_url = f"{url}admin/"
        password = os.environ.get("NEWSROOM_ADMIN_PASSWORD", "")
        if password:
            username = os.environ.get("NEWSROOM_ADMIN_USERNAME", "").strip() or "admin"
            if self.ensure_superuser(username, password):
                message = _(
                    "Created the local superuser %(username)r with the password from "
                    "NEWSROOM_ADMIN_PASSWORD."
                )
            else:
                message = _(
                    "Updated the local superuser %(username)r with the password from "
                    "NEWSROOM_ADMIN_PASSWORD."
                )
            self.stdout.write(message % {"username": username})
            self.stdout.write(
                _("Sign in at %(url)s as %(username)r.") % {"url": admin_url, "username": username}
            )
            return

        User = get_user_model()
        existing = list(
            User.objects.filter(is_superuser=True, is_active=True)
            .order_by(User.USERNAME_FIELD)
            .values_list(User.USERNAME_FIELD, flat=True)[:5]
        )
        if existing:
            self.stdout.write(
                _("Existing superusers: %(names)s. Sign in at %(url)s.")
                % {"names": ", ".join(repr(name) for name in existing), "url": admin_url}
            )
            self.stdout.write(_("To create another one, run:"))
        else:
            self.stdout.write(
                _("No editor account yet. To sign in at %(url)s, first run:") % {"url": admin_url}
            )
        self.stdout.write("  .venv/bin/python manage.py createsuperuser")
        self.stdout.write(
            _(
                "(Or set NEWSROOM_ADMIN_PASSWORD, and optionally NEWSROOM_ADMIN_USERNAME, "
                "before running this command.)"
            )
        )

    @transaction.atomic
    def ensure_superuser(self, username, password):
        User = get_user_model()
        user, created = User.objects.get_or_create(**{User.USERNAME_FIELD: username})
        user.is_staff = True
        user.is_superuser = True
        user.is_active = True
        user.set_password(password)
        user.save()
        return created
