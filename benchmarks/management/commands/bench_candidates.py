"""Measure reference-candidate discovery on a vault: candidates, how many a curator would accept, time.

Reads and parses the notes and groups their phrases exactly as the import does, without a
database, so it runs anywhere: `manage.py bench_candidates VAULT --truth tests/data/reference_truth.json`.
"""

from django.core.management.base import BaseCommand, CommandError

from benchmarks.candidates import measure


class Command(BaseCommand):
    help = "Discover reference candidates in a vault and compare them with a hand-made list."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", help="Vault folders or notes.")
        parser.add_argument("--truth", required=True, help="The hand-made list (JSON) to compare with.")
        parser.add_argument("--copies", type=int, default=1, help="Count every note this many times (a larger vault).")
        parser.add_argument("--list", type=int, default=0, help="Also print the first N candidates.")

    def handle(self, *args, **options):
        if options["copies"] < 1:
            raise CommandError("--copies must be at least 1")
        quality, groups, matches = measure(options["paths"], options["truth"], options["copies"])
        for group, match in list(zip(groups, matches, strict=True))[: options["list"]]:
            mark = "+" if match is not None else "-"
            self.stdout.write(
                f"{mark} {group.notes:4} {group.sentences:5} {group.kind:12} {group.name} {group.variants[:4]}"
            )
        self.stdout.write(
            f"{quality.notes} notes in {quality.seconds:.2f} s: {quality.candidates} candidates, "
            f"{quality.acceptable} a curator would accept ({quality.truth_found} of the {quality.truth_total} "
            f"listed records found); precision of the top {quality.top}: {quality.top_precision:.2f} "
            f"({quality.top_acceptable}/{quality.top})"
        )
