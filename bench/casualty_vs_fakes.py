"""Write docs/casualty_csv_vs_fakes.md: the casualty CSV of the development gold set
(fixtures/gold/dev.jsonl) side by side with FA-KES's crowdsourced columns for the same
articles (corpus/fakes.jsonl `meta`: nb_civilians, nb_children, nb_women,
nb_noncivilians, actor, location).

The CSV is made by the export codec itself (annotator.formats.casualty_csv), the way
`manage.py export PROJECT out.csv --format casualty-csv --source gold` makes it.
Usage: .venv/bin/python bench/casualty_vs_fakes.py [--out docs/casualty_csv_vs_fakes.md]
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from annotator.formats.casualty_csv import write_casualty_csv  # noqa: E402
from annotator.formats.registry import read_path  # noqa: E402

GOLD = ROOT / "fixtures" / "gold" / "dev.jsonl"
CORPUS = ROOT / "corpus" / "fakes.jsonl"

# FA-KES actor categories, recognised in a perpetrator phrase by keywords; the first
# category whose keywords match wins (specific groups before the government, whose
# keyword "syrian" also appears in "Free Syrian Army" and "Syrian Democratic Forces").
ACTORS: list[tuple[str, tuple[str, ...]]] = [
    ("self administration forces", ("sdf", "kurdish", "ypg", "democratic forces", "self administration")),
    ("al-nusra front", ("nusra", "qaeda", "fateh al-sham", "tahrir al-sham", "hts")),
    ("the organization of the islamic state in iraq and the levant - isis", ("isis", "isil", "islamic state", "daesh")),
    ("international coalition forces", ("coalition", "us-led", "u.s.", "american", "french", "british")),
    (
        "armed opposition groups",
        (
            "rebel",
            "opposition",
            "militant",
            "free syrian army",
            "fsa",
            "jaysh",
            "ahrar",
            "islamist",
            "insurgent",
            "terrorist",
            "jihadist",
        ),
    ),
    (
        "syrian government or russian troops",
        (
            "syria",
            "government",
            "regime",
            "assad",
            "army",
            "russia",
            "warplane",
            "jet",
            "helicopter",
            "air force",
            "loyalist",
            "hezbollah",
            "iran",
            "barrel",
            "air strike",
            "airstrike",
            "military",
        ),
    ),
]
# FA-KES names governorates; the texts spell some of them several ways.
PLACES = {
    "deir ezzor": ("deir ezzor", "deir ez-zor", "deir al-zor", "deir el-zour", "deir al-zour", "deir ezzor"),
    "lattakia": ("lattakia", "latakia"),
    "hasakeh": ("hasakeh", "hasaka", "hassakeh", "hasakah", "hassakah"),
    "raqqa": ("raqqa", "raqa", "rakka"),
    "tartous": ("tartous", "tartus"),
    "daraa": ("daraa", "deraa", "dara'a"),
}


def actor_categories(perpetrators: str) -> set[str]:
    found = set()
    for phrase in filter(None, perpetrators.split(";")):
        lower = phrase.lower()
        for category, keywords in ACTORS:
            if any(keyword in lower for keyword in keywords):
                found.add(category)
                break
    return found


def place_found(location: str, locations: str) -> bool:
    lower = locations.lower()
    return any(name in lower for name in PLACES.get(location, (location,)))


def pairs() -> list[tuple[dict, dict, list]]:
    """(our CSV row, FA-KES meta, the gold spans' values) for each gold article."""
    gold = read_path(GOLD)
    ours = list(csv.DictReader(io.StringIO("".join(write_casualty_csv(gold)))))
    by_text: dict[str, list[dict]] = {}
    for line in CORPUS.open(encoding="utf-8"):
        row = json.loads(line)
        by_text.setdefault(row["text"], []).append(row)
    result = []
    for record, row in zip(gold, ours, strict=True):
        rows = by_text.get(record.text, [])
        values = [
            s["attrs"].get("value")
            for s in record.spans or []
            if s["label"] == "CASUALTY_COUNT" and s.get("attrs", {}).get("value") is not None
        ]
        for fakes in rows:  # an article can be several FA-KES rows (one per event)
            result.append((row, fakes["meta"], values))
    return result


def share(items: list, test: Callable[[object], bool]) -> tuple[int, int]:
    return sum(1 for item in items if test(item)), len(items)


def pct(hits: int, total: int) -> str:
    return f"{hits}/{total} ({100 * hits / total:.0f}%)" if total else "–"


def report() -> str:
    rows = pairs()
    n = len(rows)
    columns = [
        ("nb_civilians", "killed_civilians"),
        ("nb_children", "killed_children"),
        ("nb_women", "killed_women"),
        ("nb_noncivilians", "killed_combatants"),
    ]
    table = ["| FA-KES column | our column | equal | both zero / both non-zero | equal where both non-zero |"]
    table.append("|---|---|---|---|---|")
    for theirs, mine in columns:
        equal = share(rows, lambda r, t=theirs, m=mine: int(r[1][t]) == int(r[0][m]))
        presence = share(rows, lambda r, t=theirs, m=mine: (int(r[1][t]) > 0) == (int(r[0][m]) > 0))
        both = [r for r in rows if int(r[1][theirs]) > 0 and int(r[0][mine]) > 0]
        both_equal = share(both, lambda r, t=theirs, m=mine: int(r[1][t]) == int(r[0][m]))
        table.append(f"| {theirs} | {mine} | {pct(*equal)} | {pct(*presence)} | {pct(*both_equal)} |")

    def crowd_total(r: tuple) -> int:
        return int(r[1]["nb_civilians"]) + int(r[1]["nb_noncivilians"])

    total_equal = share(rows, lambda r: crowd_total(r) == int(r[0]["killed"]))
    stated = [r for r in rows if crowd_total(r) > 0]
    stated_in_text = share(
        stated,
        lambda r: any(
            v in r[2] for v in (crowd_total(r), int(r[1]["nb_civilians"]), int(r[1]["nb_noncivilians"])) if v > 0
        ),
    )
    ours_larger = share(rows, lambda r: int(r[0]["killed"]) > crowd_total(r))
    unspecified_only = share(
        rows,
        lambda r: (
            int(r[0]["killed_unspecified"]) > 0
            and all(int(r[0][f"killed_{g}"]) == 0 for g in ("civilians", "children", "women", "combatants"))
        ),
    )
    actor_known = [r for r in rows if r[1]["actor"] != "unknown"]
    actor_agree = share(actor_known, lambda r: r[1]["actor"] in actor_categories(r[0]["perpetrators"]))
    actor_unknown = [r for r in rows if r[1]["actor"] == "unknown"]
    unknown_but_named = share(actor_unknown, lambda r: bool(r[0]["perpetrators"]))
    place_agree = share(rows, lambda r: place_found(r[1]["location"], r[0]["locations"]))

    lines = [
        "# The casualty CSV of the gold set beside FA-KES's crowdsourced columns",
        "",
        "Generated by `bench/casualty_vs_fakes.py` (rerun it after the gold or the export changes).",
        f"Our side: the casualty CSV (`--format casualty-csv`) of the {len({r[0]['id'] for r in rows})} hand-annotated",
        "articles of `fixtures/gold/dev.jsonl`; their side: the FA-KES row(s) of the same text in",
        f"`corpus/fakes.jsonl` ({n} pairs). The CSV's rules are in docs/formats.md: per status × victim",
        "group the largest stated value (a headline count repeated in the body counts once); the",
        "total is the largest of unspecified, civilians + combatants, children + women + combatants.",
        "",
        "## Agreement",
        "",
        *table,
        "",
        "| comparison | agreement |",
        "|---|---|",
        f"| killed total = nb_civilians + nb_noncivilians | {pct(*total_equal)} |",
        f"| FA-KES's count is a value some CASUALTY_COUNT span of the text states | {pct(*stated_in_text)} |",
        f"| our killed total is larger than FA-KES's | {pct(*ours_larger)} |",
        f"| the text gives killed counts only as 'unspecified' people | {pct(*unspecified_only)} |",
        f"| FA-KES actor (not 'unknown') is among our perpetrators' categories | {pct(*actor_agree)} |",
        f"| FA-KES actor 'unknown' but the gold names a perpetrator | {pct(*unknown_but_named)} |",
        f"| FA-KES location (a governorate) is among our locations | {pct(*place_agree)} |",
        "",
        "Actor categories are recognised in our perpetrator phrases by keywords (`ACTORS` in the",
        "script); places by the governorate's name and its spellings.",
        "",
        "## Where they agree and why they differ",
        "",
        "- **Rows are events, spans are mentions.** A FA-KES row is an article–event pair: the crowd",
        "  read the article and wrote the casualties *of the event the row is about*. The gold marks",
        "  every casualty count the text states, including the war's running totals (\"a conflict",
        '  that has killed more than 300,000 people"), earlier attacks and other places. The CSV keeps',
        "  the largest count per group, so where the text quotes a war-wide figure our total is that",
        "  figure: this is most of the rows where our total is larger.",
        "- **Victim groups.** The crowd sorted every victim into civilians or non-civilians; the",
        "  guidelines keep 'unspecified' where the text does not say who died (\"37 people\"). A count",
        "  the crowd filed under nb_civilians is then our killed_unspecified, and nb_civilians",
        "  disagrees although the number is the same — the 'stated in the text' row shows how often",
        "  the crowd's number is in fact written in the article.",
        "- **Zeros.** Where FA-KES has 0 children or women and the text names none, both sides say",
        "  0: the both-zero agreement of nb_children and nb_women is high for that reason alone.",
        "- **Actors.** FA-KES's actor is one of seven categories chosen by the crowd, sometimes",
        "  from outside knowledge ('unknown' when unsure); the gold names the perpetrators the text",
        "  names, often several (government and rebels in the same article). Agreement is counted",
        "  when the crowd's category is among ours.",
        "- **Places.** FA-KES gives the governorate (aleppo, deir ezzor); the gold marks the places",
        "  the text names as sites of events. Most articles name the governorate or its city too;",
        "  where the text names only towns and districts (Douma for damascus, Mayadeen for deir",
        "  ezzor), or names the governorate only as something other than a site of violence (which",
        "  the guidelines leave unlabelled), a string match cannot connect them without a gazetteer.",
        "- **Crowd counts are text counts.** Where FA-KES has a count, the same number is almost",
        "  always a value the gold gives one of the article's CASUALTY_COUNT spans: the crowd read",
        "  the same sentences; the disagreements are about which mention stands for the event and",
        "  which victim group it belongs to, not about reading the numbers.",
        "",
        "## Side by side (killed)",
        "",
        "| id | FA-KES civ / child / women / noncivil | ours civ / child / women / combat / unspec → total |"
        " FA-KES actor | our perpetrators | FA-KES location | our locations |",
        "|---|---|---|---|---|---|---|",
    ]
    for ours, theirs, _ in rows:
        fakes = (
            f"{theirs['nb_civilians']} / {theirs['nb_children']} / {theirs['nb_women']} / {theirs['nb_noncivilians']}"
        )
        mine = (
            f"{ours['killed_civilians']} / {ours['killed_children']} / {ours['killed_women']} / "
            f"{ours['killed_combatants']} / {ours['killed_unspecified']} → {ours['killed']}"
        )
        perpetrators = ours["perpetrators"].replace("|", "/")[:80]
        locations = ours["locations"].replace("|", "/")[:80]
        lines.append(
            f"| {ours['id']} | {fakes} | {mine} | {theirs['actor']} | {perpetrators} | "
            f"{theirs['location']} | {locations} |"
        )
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "casualty_csv_vs_fakes.md")
    args = parser.parse_args()
    text = report()
    args.out.write_text(text, encoding="utf-8")
    print(text.split("## Where")[0])
    print(f"written to {args.out}")


if __name__ == "__main__":
    main()
