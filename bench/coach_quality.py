"""Measure the SPIN and SMART classifiers against the hand-labelled sets in data/quality/.

Run from the repository root:

    python bench/coach_quality.py            # always exits 0
    python bench/coach_quality.py --strict   # exits 1 when any figure is below the target, in any set

Sets, all with the same columns: eight development sets (data/quality/*.csv, data/quality/dev2/*.csv …
data/quality/dev8/*.csv), which the rules were tuned on, and, when their files are present, the held-out sets
(data/quality/holdout/*.csv and data/quality/holdout9/*.csv), written before the tuning they measure and never
used for it, so they show how well the rules generalise. Held-out set 9 is added when it is finished; until
then the bench says it is not there yet and measures the rest. For each set this prints accuracy per language and
overall for the SPIN kind (in all and per kind), for open/closed, for telling questions from statements, and for
each SMART criterion, each next to the target; a summary then puts the development sets together next to each
held-out set. A development set's misclassified rows follow its table; a held-out set's rows are only counted
unless ``--holdout-misses`` is given, so that it stays held out. A set whose directory holds neither file is
skipped with a note; a set whose files cannot be read (say, half written) is reported as such and, with
``--strict``, fails the run. ``--strict`` fails on any figure below the target in any set.
``evaluate(directory)`` returns the figures of one set as a dict for tests.
"""

from __future__ import annotations

import argparse
import csv
import sys
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

DATA_DIR = REPO_ROOT / "data" / "quality"
DEV2_DIR = DATA_DIR / "dev2"
DEV3_DIR = DATA_DIR / "dev3"
DEV4_DIR = DATA_DIR / "dev4"
DEV5_DIR = DATA_DIR / "dev5"
DEV6_DIR = DATA_DIR / "dev6"
DEV7_DIR = DATA_DIR / "dev7"
DEV8_DIR = DATA_DIR / "dev8"
HOLDOUT_DIR = DATA_DIR / "holdout"
HOLDOUT9_DIR = DATA_DIR / "holdout9"
# (title, directory, held out?) in the order they are reported.
SETS = (
    ("development set 1 (used for tuning)", DATA_DIR, False),
    ("development set 2 (used for tuning)", DEV2_DIR, False),
    ("development set 3 (used for tuning)", DEV3_DIR, False),
    ("development set 4 (used for tuning)", DEV4_DIR, False),
    ("development set 5 (used for tuning)", DEV5_DIR, False),
    ("development set 6 (used for tuning; held-out set 6 until issue 13's tuning)", DEV6_DIR, False),
    ("development set 7 (used for tuning; held-out set 7 until issue 13's third round)", DEV7_DIR, False),
    ("development set 8 (used for tuning; held-out set 8 until issue 13's fourth round)", DEV8_DIR, False),
    ("held-out set 5 (never used for tuning)", HOLDOUT_DIR, True),
    ("held-out set 9 (issue 13; never used for tuning)", HOLDOUT9_DIR, True),
)
SPIN_FILE = "spin_questions.csv"
SMART_FILE = "smart_goals.csv"
SPIN_CSV = DATA_DIR / SPIN_FILE
SMART_CSV = DATA_DIR / SMART_FILE

TARGET = 0.90
LANGS = ("en", "nl")
SPIN_KINDS = ("situation", "problem", "implication", "need-payoff")
STATEMENT = "statement"  # a row that is not a question (a pasted goal, a claim): it must not be filed as one
VISIT_TYPES = ("first", "followup", "quote", "aftersales")
CRITERIA = ("specific", "measurable", "acceptable", "realistic", "time_bound")


# --- loading -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SpinCase:
    lang: str
    question: str
    kind: str  # one of SPIN_KINDS, or STATEMENT
    is_open: bool | None  # None for a statement


@dataclass(frozen=True)
class SmartCase:
    lang: str
    visit_type: str
    goal: str
    labels: dict[str, bool | None]  # criterion -> expected; None = not judgeable (acceptable only)


def _bool(value: str, where: str, *, allow_empty: bool = False) -> bool | None:
    v = value.strip().lower()
    if v == "true":
        return True
    if v == "false":
        return False
    if allow_empty and v == "":
        return None
    raise ValueError(f"{where}: expected true/false, got {value!r}")


def _check(value: str, allowed: tuple[str, ...], where: str) -> str:
    if value not in allowed:
        raise ValueError(f"{where}: {value!r} is not one of {', '.join(allowed)}")
    return value


def load_spin(path: Path = SPIN_CSV) -> list[SpinCase]:
    cases = []
    with path.open(encoding="utf-8", newline="") as fh:
        for line_no, row in enumerate(csv.DictReader(fh), start=2):
            where = f"{path.parent.name}/{path.name}:{line_no}"
            kind = _check(row["kind"].strip(), (*SPIN_KINDS, STATEMENT), where)
            is_open = None if kind == STATEMENT and not row["open"].strip() else _bool(row["open"], where)
            cases.append(
                SpinCase(
                    lang=_check(row["lang"].strip(), LANGS, where),
                    question=row["question"].strip(),
                    kind=kind,
                    is_open=is_open,
                )
            )
    return cases


def load_smart(path: Path = SMART_CSV) -> list[SmartCase]:
    cases = []
    with path.open(encoding="utf-8", newline="") as fh:
        for line_no, row in enumerate(csv.DictReader(fh), start=2):
            where = f"{path.parent.name}/{path.name}:{line_no}"
            labels = {c: _bool(row[c], f"{where} {c}", allow_empty=(c == "acceptable")) for c in CRITERIA}
            cases.append(
                SmartCase(
                    lang=_check(row["lang"].strip(), LANGS, where),
                    visit_type=_check(row["visit_type"].strip(), VISIT_TYPES, where),
                    goal=row["goal"].strip(),
                    labels=labels,
                )
            )
    return cases


# --- scoring -------------------------------------------------------------------------------------


class _Tally:
    """Correct/total counts per metric and language ('all' is the overall figure)."""

    def __init__(self) -> None:
        self.counts: dict[str, dict[str, list[int]]] = {}

    def add(self, metric: str, lang: str, ok: bool) -> None:
        per_lang = self.counts.setdefault(metric, {})
        for key in (lang, "all"):
            correct_total = per_lang.setdefault(key, [0, 0])
            correct_total[0] += int(ok)
            correct_total[1] += 1

    def figures(self) -> dict[str, dict[str, dict]]:
        out: dict[str, dict[str, dict]] = {}
        for metric, per_lang in self.counts.items():
            out[metric] = {}
            for key in (*LANGS, "all"):
                correct, total = per_lang.get(key, [0, 0])
                accuracy = correct / total if total else None
                out[metric][key] = {
                    "correct": correct,
                    "total": total,
                    "accuracy": accuracy,
                    # Nothing to measure is not a failure.
                    "pass": accuracy is None or accuracy >= TARGET,
                }
        return out


def _kind_value(kind: object) -> str:
    return str(getattr(kind, "value", kind))


def has_data(directory: Path) -> bool:
    """True when ``directory`` holds at least one of the two labelled files."""
    return any((Path(directory) / name).is_file() for name in (SPIN_FILE, SMART_FILE))


def evaluate(directory: Path | str = DATA_DIR) -> dict:
    """Run both classifiers over the SPIN and SMART files in ``directory`` (the first development set by default).

    Returns ``{"directory", "target", "figures", "misses", "acceptable_labelled", "missing", "all_pass"}``
    where ``figures`` maps a metric ("spin.kind", "spin.open", "smart.<criterion>") to ``{"en"|"nl"|"all":
    {"correct", "total", "accuracy", "pass"}}``, ``misses`` lists ``{"set", "lang", "text", "expected",
    "got"}`` and ``missing`` names the files that were not found (their metrics are left out). Raises
    FileNotFoundError when neither file is there.
    """
    directory = Path(directory)
    spin_csv, smart_csv = directory / SPIN_FILE, directory / SMART_FILE
    missing = [path.name for path in (spin_csv, smart_csv) if not path.is_file()]
    if len(missing) == 2:
        raise FileNotFoundError(f"no {SPIN_FILE} or {SMART_FILE} in {directory}")

    # Imported here so the loaders above work without the classifiers.
    from coach import smart, spin
    from coach.domain import VisitType
    from coach.i18n import Translator

    t = Translator("en")  # tips are not scored
    tally = _Tally()
    misses: list[dict] = []

    for case in load_spin(spin_csv) if spin_csv.is_file() else []:
        try:
            got_question = bool(spin.is_question(case.question))
        except Exception as exc:  # a crash counts as a miss; the run goes on
            got_question = f"error: {exc!r}"
        tally.add("spin.question", case.lang, got_question == (case.kind != STATEMENT))
        if case.kind == STATEMENT:
            if got_question is not False:
                misses.append({"set": "spin", "lang": case.lang, "text": case.question,
                               "expected": "not a question", "got": str(got_question).replace("True", "a question")})
            continue
        try:
            result = spin.classify(case.question, t, lang=case.lang)
            got_kind, got_open = _kind_value(result.kind), bool(result.is_open)
        except Exception as exc:  # a crash counts as a miss; the run goes on
            got_kind = got_open = f"error: {exc!r}"
        tally.add("spin.kind", case.lang, got_kind == case.kind)
        tally.add(f"spin.kind.{case.kind}", case.lang, got_kind == case.kind)
        tally.add("spin.open", case.lang, got_open == case.is_open)
        wrong_expected, wrong_got = [], []
        if got_question is not True:
            wrong_expected.append("a question")
            wrong_got.append("not a question" if got_question is False else str(got_question))
        if got_kind != case.kind:
            wrong_expected.append(case.kind)
            wrong_got.append(str(got_kind))
        if got_open != case.is_open:
            wrong_expected.append("open" if case.is_open else "closed")
            wrong_got.append(got_open if isinstance(got_open, str) else ("open" if got_open else "closed"))
        if wrong_expected:
            misses.append(
                {
                    "set": "spin",
                    "lang": case.lang,
                    "text": case.question,
                    "expected": ", ".join(wrong_expected),
                    "got": ", ".join(dict.fromkeys(wrong_got)),
                }
            )

    acceptable_labelled = {lang: 0 for lang in (*LANGS, "all")}
    for case in load_smart(smart_csv) if smart_csv.is_file() else []:
        try:
            result = smart.check(case.goal, VisitType(case.visit_type), t, lang=case.lang)
            got = {c: getattr(result, c) for c in CRITERIA}
            error = None
        except Exception as exc:  # a crash counts as a miss; the run goes on
            got, error = {}, f"error: {exc!r}"
        wrong_expected, wrong_got = [], []
        for criterion, expected in case.labels.items():
            if expected is None:  # acceptable not judgeable from the text: not scored
                continue
            if criterion == "acceptable":
                acceptable_labelled[case.lang] += 1
                acceptable_labelled["all"] += 1
            value = got.get(criterion)
            ok = error is None and value == expected
            tally.add(f"smart.{criterion}", case.lang, ok)
            if not ok:
                wrong_expected.append(f"{criterion}={str(expected).lower()}")
                wrong_got.append(f"{criterion}={str(value).lower()}")
        if wrong_expected:
            misses.append(
                {
                    "set": f"smart/{case.visit_type}",
                    "lang": case.lang,
                    "text": case.goal,
                    "expected": ", ".join(wrong_expected),
                    "got": error or ", ".join(wrong_got),
                }
            )

    figures = tally.figures()
    return {
        "directory": str(directory),
        "target": TARGET,
        "figures": figures,
        "misses": misses,
        "acceptable_labelled": acceptable_labelled,
        "missing": missing,
        "all_pass": all(f["pass"] for per_lang in figures.values() for f in per_lang.values()),
    }


# --- report --------------------------------------------------------------------------------------

METRIC_LABELS = {
    "spin.kind": "SPIN kind",
    **{f"spin.kind.{k}": f"  {k}" for k in SPIN_KINDS},
    "spin.open": "SPIN open/closed",
    "spin.question": "question/statement",
    **{f"smart.{c}": f"SMART {c.replace('_', '-')}" for c in CRITERIA},
}


def _pct(value: float | None) -> str:
    return "   n/a" if value is None else f"{value:6.1%}"


def _in_order(figures: dict[str, dict]) -> list[tuple[str, dict]]:
    """The figures in the order of METRIC_LABELS (a set may lack some of them)."""
    order = list(METRIC_LABELS)
    return sorted(figures.items(), key=lambda item: order.index(item[0]) if item[0] in order else len(order))


def print_summary(named: list[tuple[str, dict]]) -> None:
    """One table: the development sets pooled next to each held-out set, per metric and language."""
    dev = [result for title, result in named if not title.startswith("held-out")]
    held = [(title.split(" (")[0], result) for title, result in named if title.startswith("held-out")]
    columns = [("development", dev)] + [(title, [result]) for title, result in held]
    header = f"{'metric':<20} {'lang':<4} " + " ".join(f"{name:>16}" for name, _ in columns)
    print(header)
    print("-" * len(header))
    metrics = dict(_in_order({m: None for _, result in named for m in result["figures"]}))
    for metric in metrics:
        for lang in (*LANGS, "all"):
            cells = []
            for _, results in columns:
                counts = [r["figures"][metric][lang] for r in results if metric in r["figures"]]
                correct, total = sum(c["correct"] for c in counts), sum(c["total"] for c in counts)
                cells.append(f"{correct:>4}/{total:<4} {_pct(correct / total if total else None)}")
            print(f"{METRIC_LABELS.get(metric, metric):<20} {lang:<4} " + " ".join(f"{c:>16}" for c in cells))
        print()


def print_report(result: dict, *, show_misses: bool = True) -> None:
    """The figures table of one set, then its misclassified rows (only their number without ``show_misses``)."""
    target = result["target"]
    for name in result.get("missing", []):
        print(f"({name} not found: its figures are left out)")
    header = f"{'metric':<20} {'lang':<4} {'correct':>9} {'accuracy':>8} {'target':>7}  result"
    print(header)
    print("-" * len(header))
    for metric, per_lang in _in_order(result["figures"]):
        for lang, f in per_lang.items():
            status = "PASS" if f["pass"] else "FAIL"
            print(
                f"{METRIC_LABELS.get(metric, metric):<20} {lang:<4} {f['correct']:>4}/{f['total']:<4} "
                f"{_pct(f['accuracy']):>8} {target:>7.0%}  {status}"
            )
        print()
    labelled = result["acceptable_labelled"]
    print(
        f"SMART acceptable is scored only where a label is given: "
        f"{labelled['en']} en, {labelled['nl']} nl, {labelled['all']} in all."
    )
    print(f"Overall: {'all figures meet' if result['all_pass'] else 'some figures are below'} the target.")

    misses = result["misses"]
    if not show_misses:
        print(f"\nMisclassified rows: {len(misses)} (not listed, so that the set stays held out; "
              f"--holdout-misses lists them).")
        return
    print(f"\nMisclassified rows ({len(misses)}):")
    for m in misses:
        print(f"- [{m['set']}, {m['lang']}] {m['text']}")
        print(f"    expected: {m['expected']}")
        print(f"    got:      {m['got']}")


def _heading(title: str) -> None:
    print(f"=== {title} ===")
    print()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--strict", action="store_true",
                        help="exit 1 when any figure is below the target, in any set")
    parser.add_argument("--holdout-misses", action="store_true",
                        help="also list the held-out sets' misclassified rows (not for tuning the rules)")
    args = parser.parse_args(argv)
    results, unreadable = [], False
    named: list[tuple[str, dict]] = []
    not_there: list[str] = []
    for n, (title, directory, held_out) in enumerate(SETS):
        if n:
            print()
        _heading(title)
        if not has_data(directory):
            where = directory.relative_to(REPO_ROOT) if directory.is_relative_to(REPO_ROOT) else directory
            if held_out:
                not_there.append(title.split(" (")[0])
                print(f"(not there yet: no {SPIN_FILE} or {SMART_FILE} in {where}, so this held-out set is not "
                      f"measured; the other sets are)")
            else:
                print(f"(no {SPIN_FILE} or {SMART_FILE} in {where}: skipped)")
            continue
        try:
            result = evaluate(directory)
        except (ValueError, KeyError, csv.Error) as exc:  # e.g. a file still being written
            # The message may quote a row; a held-out set only gets the kind of error.
            detail = type(exc).__name__ if held_out and not args.holdout_misses else f"{type(exc).__name__}: {exc}"
            print(f"(could not be read, so it is not measured: {detail})")
            unreadable = True
            continue
        results.append(result)
        named.append((title, result))
        print_report(result, show_misses=not held_out or args.holdout_misses)
    print()
    _heading("summary: development sets together, and each held-out set")
    print_summary(named)
    for title in not_there:
        print(f"{title}: not there yet, so not in this summary.")
    all_pass = not unreadable and all(result["all_pass"] for result in results)
    return 1 if args.strict and not all_pass else 0


if __name__ == "__main__":
    sys.exit(main())
