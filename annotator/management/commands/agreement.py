"""`python manage.py agreement PROJECT [--json]`: the agreement report (contract), from the
same service as the API."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError

from annotator.agreement.defaults import DEFAULT_RESAMPLES, DEFAULT_SEED
from annotator.management.commands._base import ContractCommand, project_for
from annotator.services.agreement import documents_table_csv, report_for_command

MEASURES = [
    ("span_f1_exact", "Span F1, exact"),
    ("span_f1_overlap", "Span F1, overlap"),
    ("cohen_kappa", "Cohen's kappa (tokens)"),
    ("fleiss_kappa", "Fleiss' kappa (tokens)"),
    ("krippendorff_alpha", "Krippendorff's alpha (tokens)"),
    ("alpha_u", "Krippendorff's alpha_u (chars)"),
]


def _num(value: Any) -> str:
    return "-" if value is None else f"{value:.3f}"


def _ci(interval: Any) -> str:
    return "-" if not interval else f"[{interval[0]:.3f}, {interval[1]:.3f}]"


def render_table(report: dict[str, Any]) -> str:
    """The report as plain text tables: measures, per label, per pair, against gold."""
    lines = [
        f"Annotators: {', '.join(report['annotators']) or '-'}   Documents: {report['documents']}",
        "",
        f"{'Measure':32} {'value':>7} {'macro':>7} {'95% CI':>18} {'items':>9} {'docs':>6}",
    ]
    for key, name in MEASURES:
        figure = report[key]
        lines.append(
            f"{name:32} {_num(figure['value']):>7} {_num(figure.get('macro')):>7} {_ci(figure['ci95']):>18} "
            f"{figure['items']:>9} {figure['documents']:>6}"
        )
    labels = report["labels"]
    lines += ["", f"{'Per label':32}" + "".join(f"{label[:15]:>16}" for label in labels)]
    for key, name in MEASURES:
        per_label = report[key].get("per_label", {})
        lines.append(f"{name[:32]:32}" + "".join(f"{_num(per_label.get(x, {}).get('value')):>16}" for x in labels))
    pairs = report["span_f1_exact"]["per_pair"]
    if pairs:
        lines += ["", f"{'Pair':32} {'F1 exact':>9} {'F1 overlap':>11} {'kappa':>7} {'docs':>6}"]
        for pair, figure in pairs.items():
            overlap = report["span_f1_overlap"]["per_pair"][pair]["value"]
            kappa = report["cohen_kappa"]["per_pair"][pair]["value"]
            lines.append(
                f"{pair:32} {_num(figure['value']):>9} {_num(overlap):>11} {_num(kappa):>7} {figure['documents']:>6}"
            )
    lines += _relation_lines(report)
    attributes = report.get("attributes") or {}
    for label, entry in attributes.items():
        lines += ["", f"{label} attributes (annotators who marked the same span: {entry['matched_spans']})"]
        for name, figure in entry.items():
            if isinstance(figure, dict):
                lines.append(
                    f"  {name:30} agreement {_num(figure['value'])}  alpha {_num(figure['alpha'])}  "
                    f"pairs {figure['pairs']}"
                )
    vs_gold = report.get("vs_gold") or {}
    if vs_gold.get("per_annotator") or vs_gold.get("model"):
        lines += [
            "",
            f"Against gold ({vs_gold['documents']} gold documents)",
            f"{'':32} {'F1 exact':>9} {'overlap':>9} {'docs':>6}",
        ]
        rows = list(vs_gold["per_annotator"].items())
        if vs_gold.get("model"):
            rows.append((f"model v{vs_gold['model']['version']}", vs_gold["model"]))
        for who, figure in rows:
            lines.append(
                f"{who:32} {_num(figure['value']):>9} {_num(figure['overlap']['value']):>9} {figure['documents']:>6}"
            )
    bootstrap = report["conventions"]["bootstrap"]
    lines += ["", f"95% CI: {bootstrap['method']}, {bootstrap['resamples']} resamples, seed {bootstrap['seed']}."]
    lines.append("Conventions: docs/agreement.md (and the report's `conventions` with --json).")
    return "\n".join(lines)


def _relation_lines(report: dict[str, Any]) -> list[str]:
    """Relation F1 (a report stored before relations has none): overall and per type."""
    if "relation_f1" not in report:
        return []
    vs_gold = report.get("relation_f1_vs_gold") or {}
    figures = [
        ("Relation F1, exact", report["relation_f1"]),
        ("Relation F1, overlap", report["relation_f1_overlap"]),
        ("Relation F1 vs gold, exact", vs_gold.get("exact")),
        ("Relation F1 vs gold, overlap", vs_gold.get("overlap")),
    ]
    types = list(report["relation_f1"]["per_label"])
    lines = ["", f"{'Relations':32} {'value':>7} {'macro':>7} {'95% CI':>18} {'items':>9} {'docs':>6}"]
    lines += [f"{'':32}" + "".join(f"{kind[:15]:>16}" for kind in types)]
    for name, figure in figures:
        if figure:
            lines.append(
                f"{name:32} {_num(figure['value']):>7} {_num(figure.get('macro')):>7} {_ci(figure['ci95']):>18} "
                f"{figure['items']:>9} {figure['documents']:>6}"
            )
            lines.append(f"{'  per type':32}" + "".join(f"{_num(figure['per_label'][k]['value']):>16}" for k in types))
    return lines


class Command(ContractCommand):
    help = "Print the project's agreement report (a table, or one JSON object with --json)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("project")
        parser.add_argument("--json", action="store_true", help="Print the report as one JSON object.")
        parser.add_argument("--resamples", type=int, default=DEFAULT_RESAMPLES, help="Bootstrap resamples (0: none).")
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="Seed of the bootstrap.")
        parser.add_argument(
            "--documents-csv", metavar="PATH", help="Also write the per-document table as CSV to PATH (- for stdout)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        project = project_for(options["project"])
        if options["resamples"] < 0:
            raise CommandError("--resamples must be 0 or more")
        # The stored report while fresh, else computed here and stored for the API to serve.
        report = report_for_command(project=project, resamples=options["resamples"], seed=options["seed"])
        target = options.get("documents_csv")
        if target:
            table = documents_table_csv(project=project)
            if target == "-":
                self.stdout.write(table, ending="")
            else:
                Path(target).write_text(table, encoding="utf-8")
        if options["json"]:
            self.stdout.write(json.dumps(report, default=str, sort_keys=False))
        else:
            self.stdout.write(render_table(report))
