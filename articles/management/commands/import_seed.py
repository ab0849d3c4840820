from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from articles.importing import SeedError, SeedImporter


class Command(BaseCommand):
    help = (
        "Import story files (and their .toml sidecars) as articles. With no path, imports "
        "every seeds/*.txt (ARTICLES_SEEDS_DIR). Runs in one transaction; safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "paths",
            nargs="*",
            metavar="PATH",
            help=("Story files, or folders of *.txt story files. Default: seeds/."),
        )
        parser.add_argument(
            "--update",
            action="store_true",
            help=(
                "Refresh stories that were already imported from their files, as a new "
                "revision, and publish them."
            ),
        )

    def handle(self, *args, **options):
        try:
            report = SeedImporter(update=options["update"]).run(options["paths"])
        except SeedError as error:
            raise CommandError(str(error)) from None
        for line in report.lines():
            self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS(_("Seed import finished.")))
