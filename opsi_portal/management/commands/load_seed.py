"""Load seed records without overwriting: missing records are created, existing ones are kept as they are."""

from django.core.management.base import BaseCommand, CommandError

from opsi_portal.seeding import SeedError, find_fixture, load_seed


class Command(BaseCommand):
    help = (
        "Create the records of a fixture that are missing (found by natural key); records that exist "
        "are never changed, so curators' edits survive. Unlike loaddata, safe to run every day."
    )

    def add_arguments(self, parser):
        parser.add_argument("fixture", help="A fixture name in FIXTURE_DIRS (incubator) or a path to a JSON fixture.")
        parser.add_argument("--dry-run", action="store_true", help="Say what would be created; write nothing.")

    def handle(self, *args, **options):
        try:
            result = load_seed(find_fixture(options["fixture"]), dry_run=options["dry_run"])
        except SeedError as error:
            raise CommandError(str(error)) from error
        if options["verbosity"] > 1:
            for record in result.created:
                self.stdout.write(f"created {record._meta.verbose_name}: {record}")
        suffix = " (dry run: nothing written)" if options["dry_run"] else ""
        summary = f"{options['fixture']}: created {len(result.created)}, kept {len(result.kept)}{suffix}"
        self.stdout.write(self.style.SUCCESS(summary))
