#!/usr/bin/env python
"""Benchmark the right-of-access case file (aktindsigt): one case with 500 long journal entries.

A standalone script, not a test. In the throw-away database named by DATABASE_URL it
builds one homelessness case with --entries journal entries (about 400 characters in
three paragraphs each, as a long case file has), then renders the PDF the way the Celery
task does: `cases.services.export.case_file_render(export_id=…)`, which loads the case,
renders the template and runs WeasyPrint. Everything it writes is rolled back at the end.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench \
        .venv/bin/python tests/perf/bench_pdf.py [--entries 500] [--runs 3] [--profile] [--smoke]

Printed per run: pages (read back from the PDF with pypdf), total seconds, ms per page,
and where the time went (database + template, WeasyPrint's layout, writing the PDF).
--profile adds cProfile's top functions of one render. Target (issue 11): at most 50 ms
a page; exit code 1 when it is missed (not checked with --smoke, which renders 20 entries).
"""

import argparse
import io
import os
import random
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

import _bench  # noqa: E402 (puts the project on sys.path too)

SCRIPT = "bench_pdf"
USER_PREFIX = "benchpdf-"
TARGET_MS_PER_PAGE = 50.0
WORDS = (
    "borgeren samtale herberget bostøtte kontaktperson lejlighed boligforeningen aftale møde jobcenter "
    "gæld budget husleje indflytning netværk misbrugsbehandling lægen psykiatrien opfølgning handleplan "
    "ansøgning boligtilbud afdeling udlejning depositum venteliste nøgler flyttehjælp møbler hverdagen "
    "økonomi kommunen sagsbehandleren forløbet ønsker bekymret tryg tilfreds motiveret træt glad "
    "og men fordi derfor også ikke igen i dag i går næste uge efter før hos med uden om til fra"
).split()


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description="Time the right-of-access PDF of a case with a long journal.")
    parser.add_argument("--entries", type=int, help="journal entries (default 500, --smoke 20)")
    parser.add_argument("--runs", type=int, help="renders timed (default 3, --smoke 1)")
    parser.add_argument("--seed", type=int, default=20261202, help="random seed for the invented text")
    parser.add_argument("--profile", action="store_true", help="cProfile one more render and print the top functions")
    parser.add_argument("--smoke", action="store_true", help="a tiny run; the target is not checked")
    parser.add_argument("--allow-sqlite", action="store_true", help="allow a non-PostgreSQL database")
    args = parser.parse_args(argv)
    if args.entries is None:
        args.entries = 20 if args.smoke else 500
    if args.runs is None:
        args.runs = 1 if args.smoke else 3
    return args


def paragraph(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def seed(args):
    """One caseworker, one case in a shelter, --entries journal entries; returns the export."""
    from datetime import timedelta

    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from cases.models import CaseFileExport, CaseNote, Shelter
    from cases.services.citizens import citizen_case_open
    from contacts.models import Advisor, Team

    rng = random.Random(args.seed)
    user = get_user_model().objects.create(
        username=f"{USER_PREFIX}caseworker", first_name="Hanne", last_name="Sørensen", password="!"
    )
    team, _created = Team.objects.get_or_create(name="Hjemløseenheden")
    Advisor.objects.create(user=user, team=team, function=Advisor.Function.HOMELESSNESS_CASEWORKER)
    shelter, _created = Shelter.objects.get_or_create(name="Bench-herberget")
    today = timezone.localdate()
    case = citizen_case_open(
        by=user,
        name="Mette Jensen",
        max_rent=5500,
        target_group="single_adult",
        phone="20304050",
        shelter=shelter,
        entered_on=today - timedelta(days=70),
    )
    now = timezone.now()
    notes = [
        CaseNote(
            case=case,
            author=user,
            written_on=today - timedelta(days=(args.entries - i) // 3),
            text="\n\n".join(paragraph(rng, rng.randint(14, 20)) for _ in range(3)),
            created_at=now - timedelta(minutes=args.entries - i),
        )
        for i in range(args.entries)
    ]
    CaseNote.objects.bulk_create(notes, batch_size=1000)
    chars = sum(len(note.text) for note in notes)
    print(f"Seeded case {case.reference}: {len(notes)} journal entries, {chars:,} characters in all")
    return CaseFileExport.objects.create(case=case, requested_by=user)


def pages_of(pdf: bytes) -> int:
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(pdf)).pages)


def render_once(export_id: int) -> dict:
    """What the Celery task does, then the same in parts (to see where the time goes)."""
    from django.template.loader import render_to_string
    from weasyprint import HTML

    from cases.models import CaseFileExport
    from cases.selectors.citizens import can_see_full_cpr
    from cases.services import export as export_service
    from config.pdf import NoURLFetcher

    CaseFileExport.objects.filter(pk=export_id).update(state=CaseFileExport.State.PENDING, pdf=None)
    started = time.perf_counter()
    export_service.case_file_render(export_id=export_id)
    total = time.perf_counter() - started
    export = CaseFileExport.objects.select_related("case__citizen", "requested_by").get(pk=export_id)
    pdf = bytes(export.pdf)
    assert export.state == CaseFileExport.State.DONE and export.progress == 100, export.state

    # The parts: the same calls case_file_render and config.pdf.render_pdf make.
    t0 = time.perf_counter()
    context = export_service.case_file_context(export.case, full_cpr=can_see_full_cpr(export.requested_by, export.case))
    html = render_to_string("cases/pdf/case_file.html", context)
    t1 = time.perf_counter()
    document = HTML(string=html, url_fetcher=NoURLFetcher(), base_url=None).render()
    t2 = time.perf_counter()
    document.write_pdf()
    t3 = time.perf_counter()
    return {
        "pages": pages_of(pdf),
        "bytes": len(pdf),
        "total": total,
        "context_template": t1 - t0,
        "layout": t2 - t1,
        "write": t3 - t2,
        "html_chars": len(html),
    }


def profile(export_id: int) -> None:
    import cProfile
    import pstats

    from cases.models import CaseFileExport
    from cases.services import export as export_service

    CaseFileExport.objects.filter(pk=export_id).update(state=CaseFileExport.State.PENDING, pdf=None)
    profiler = cProfile.Profile()
    profiler.enable()
    export_service.case_file_render(export_id=export_id)
    profiler.disable()
    stats = pstats.Stats(profiler)
    print("\n=== cProfile of one render: top 25 by own time ===")
    stats.sort_stats("tottime").print_stats(25)
    print("=== top 25 by cumulative time ===")
    stats.sort_stats("cumulative").print_stats(25)


def run(args) -> int:
    import weasyprint
    from django.db import connection, transaction

    print(f"WeasyPrint {weasyprint.__version__}; load average {os.getloadavg()[0]:.2f}")
    missed = False
    with transaction.atomic():
        export = seed(args)
        results = []
        header = f"{'run':<5}{'pages':>7}{'KiB':>8}{'total s':>9}{'ms/page':>9}{'db+tpl s':>10}{'layout s':>10}{'write s':>9}"
        print(f"\n{header}\n{'-' * len(header)}")
        for n in range(1, args.runs + 1):
            r = render_once(export.pk)
            results.append(r)
            print(
                f"{n:<5}{r['pages']:>7}{r['bytes'] / 1024:>8.0f}{r['total']:>9.2f}"
                f"{r['total'] * 1000 / r['pages']:>9.1f}{r['context_template']:>10.2f}{r['layout']:>10.2f}{r['write']:>9.2f}"
            )
        per_page = statistics.median(r["total"] * 1000 / r["pages"] for r in results)
        print(
            f"\nMedian of {len(results)}: {per_page:.1f} ms a page "
            f"({results[0]['pages']} pages, {results[0]['html_chars']:,} characters of HTML); "
            f"load average {os.getloadavg()[0]:.2f}"
        )
        print(f"Target: ≤ {TARGET_MS_PER_PAGE:.0f} ms a page, in a Celery task (never in a request)")
        if args.smoke:
            print(_bench.SMOKE_NOTE.replace("p95", "ms a page"))
        elif per_page > TARGET_MS_PER_PAGE:
            print("MISSES TARGET")
            missed = True
        else:
            print("Within the target.")
        if args.profile:
            profile(export.pk)
        transaction.set_rollback(True)  # leave the database as it was
    connection.close()
    return 1 if missed else 0


def main(argv=None) -> int:
    args = parse_args(argv)
    _bench.setup_django()
    args.reuse = False
    _bench.check_target(args, script=SCRIPT, holds_data=[], user_prefix=USER_PREFIX)
    _bench.migrate()
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
