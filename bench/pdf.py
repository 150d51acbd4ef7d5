"""The PDF portfolio export, for a trainee with PDF_ENTRIES (500) entries, a third of them
signed off (each with its link and QR code), mapped to the F1 curriculum.

- Request to finished file: exports.services.request_export, then what the worker does
  (exports.services.make_export: gather the entries, render the HTML, lay it out, write and
  store the PDF), as a ratio to the floor: WeasyPrint laying out and writing the same
  finished HTML alone, with the same fetcher and PDF/UA-1 variant. The two are timed in
  turn (bench.measure.interleaved). The broker's hop is not in it: the pipeline part
  measures that.
- Peak memory: the largest resident set of a fresh process that makes one such export
  (its VmHWM, which covers the whole process: Django, the database driver and WeasyPrint),
  against an absolute bound.

The trainee and their entries are made through the services (sign-offs need their records
and links), once per run.
"""

import json
import os
import subprocess
import sys
import tempfile
from datetime import timedelta
from pathlib import Path

from bench.measure import env_int, interleaved, peak_rss_kib
from bench.targets import Result

ROOT = Path(__file__).resolve().parent.parent
PART = "pdf"
PDF_ENTRIES = env_int("BENCH_PDF_ENTRIES", 500)
ROUNDS = env_int("BENCH_PDF_ROUNDS", 3)
TIME_TARGET = 1.3  # × the floor
MEMORY_TARGET_MB = 500


def build_portfolio(trainee, entries: int = PDF_ENTRIES) -> None:
    """`entries` entries over the last two years through portfolio.services, a third of
    them signed off by the trainee's supervisor."""
    from django.utils import timezone

    from accounts.models import Supervision
    from curriculum.models import Item
    from portfolio import services
    from portfolio.models import Kind

    supervisor = Supervision.objects.filter(trainee=trainee).first().supervisor
    items = list(Item.objects.filter(framework__programmes__enrolments__trainee=trainee))
    kinds = Kind.values
    today = timezone.localdate()
    for n in range(entries):
        entry, _ = services.log_entry(
            actor=trainee,
            kind=kinds[n % len(kinds)],
            title=f"Learning event {n + 1}: sepsis, fluids and the deteriorating patient",
            date=today - timedelta(days=n * 730 // entries),
            duration_minutes=30 + 15 * (n % 8),
            provider="Scale Test NHS Trust",
            description="What was covered, in a paragraph or two. " * 6,
            items=list({items[n % len(items)], items[(n * 7) % len(items)]}) if items else [],
            reflection_learned="What I learned, in a few sentences. " * 4,
        )
        if n % 3 == 0:
            services.submit_for_sign_off(entry=entry, supervisor=supervisor, actor=trainee)
            services.approve(entry=entry, actor=supervisor, comment="Seen.")


def all_of_it():
    """Every entry: two years and more, reflections included."""
    from django.utils import timezone

    from exports.filters import Chosen

    end = timezone.localdate()
    return Chosen(date_from=end - timedelta(days=800), date_to=end, include_reflections=True)


def request_to_file(trainee) -> None:
    """What a trainee's request costs until the file is stored: the request, and the
    worker's whole task, which runs in this process once the request commits."""
    from exports import services
    from exports.models import Export

    export = services.request_export(actor=trainee, format="pdf", chosen=all_of_it())
    export.refresh_from_db()
    assert export.status == Export.Status.DONE, export.error
    export.file.storage.delete(export.file.name)
    export.delete()


def finished_html(trainee) -> str:
    from exports import contents, pdf
    from exports.filters import check_filters

    return pdf.portfolio_html(contents.gather(trainee, check_filters(trainee, all_of_it())))


def weasyprint_alone(html: str) -> None:
    import io

    from weasyprint import HTML

    from exports import pdf

    HTML(string=html, base_url=pdf.static_base_url(), url_fetcher=pdf.StaticFilesOnly()).write_pdf(
        io.BytesIO(), pdf_variant=pdf.PDF_VARIANT
    )


def in_process() -> None:
    """Tasks run in this process as they are published (after commit), as in development:
    the export's task is timed with its request, and nothing is left in the broker for the
    parts that count its queues. Emails are kept in memory."""
    from django.conf import settings

    from config.celery import app

    app.conf.task_always_eager = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def run(new_trainees) -> list[Result]:
    in_process()
    (trainee,) = new_trainees(1, "pdf")
    print(f"Logging {PDF_ENTRIES} entries for the PDF …", flush=True)
    build_portfolio(trainee)
    html = finished_html(trainee)
    samples = interleaved(
        {"export": lambda: request_to_file(trainee), "floor": lambda: weasyprint_alone(html)},
        rounds=ROUNDS,
        warmup=1,
    )
    peak = peak_memory_mb(trainee.pk)
    label = f"{PDF_ENTRIES} entries"
    return [
        Result(
            PART, f"WeasyPrint alone on the finished HTML, {label} (floor)", samples["floor"].median
        ),  # fmt: skip
        Result(
            PART,
            f"request to finished PDF, {label}, median of {ROUNDS}",
            samples["export"].median,
            samples["floor"].median,
            at_most=TIME_TARGET,
        ),
        Result(
            PART,
            f"peak memory of one PDF export, {label}",
            peak,
            unit="MB",
            at_most=MEMORY_TARGET_MB,
            note="VmHWM of a fresh process that makes one export: Django, the "
            "database driver and WeasyPrint together.",
        ),
    ]


def peak_memory_mb(trainee_id: int) -> float:
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        done = subprocess.run(  # noqa: S603 (our own interpreter, fixed arguments)
            [sys.executable, "-m", "bench.pdf", "export-once", str(trainee_id), out.name],
            cwd=ROOT,
            env=dict(os.environ),
            check=False,
        )
        if done.returncode:
            raise SystemExit("Measuring the PDF export's memory failed.")
        # Megabytes as the target states them (10⁶ bytes), not mebibytes.
        return json.loads(Path(out.name).read_text())["max_rss_kib"] * 1024 / 1e6


def export_once(trainee_id: int, out: str) -> None:
    """In a process of its own: one export, then the process's peak resident memory."""
    from accounts.models import User

    in_process()
    request_to_file(User.objects.get(pk=trainee_id))
    Path(out).write_text(json.dumps({"max_rss_kib": peak_rss_kib()}))


def main(argv: list[str]) -> int:
    """`python -m bench.pdf` measures this part alone on DATABASE_URL (for development);
    `python -m bench.pdf export-once TRAINEE_ID OUT` is the memory probe run() starts."""
    sys.path.insert(0, str(ROOT))
    from bench import data
    from bench.targets import missed, table

    url = os.environ.get("DATABASE_URL") or data.DEFAULT_DATABASE_URL
    if argv[:1] == ["export-once"]:
        data.prepare_process(url)
        import django

        django.setup()
        export_once(int(argv[1]), argv[2])
        return 0
    data.setup_django(url)
    results = run(data.new_trainees)
    print(table(results))
    return 1 if missed(results) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
