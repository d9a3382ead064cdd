"""The small CSV files that tell `import deals` what an export means: the stage map (`--stage-map`) and
the owner map (`--owner-map`).

Same reading as a deals export (encoding, `,` `;` or tab, case-insensitive headers); one mapping per
line, the header on line 1. Every problem is collected with its line number; a file with any
problem raises `MapFileError` with all of them.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from decimal import InvalidOperation

from coach.crm_stages import StageInfo, stage_key
from coach.deal_csv import decode, detect_delimiter, header_key
from coach.deal_rows import STAGE_HINT, RowError
from coach.domain import Stage, parse_stage
from coach.errors import InputError
from coach.money import parse_percent

STAGE_MAP_COLUMNS = ("crm stage", "stage", "probability")
OWNER_MAP_COLUMNS = ("owner", "user")


class MapFileError(InputError):
    def __init__(self, errors: list[RowError]) -> None:
        super().__init__("; ".join(map(str, errors)))
        self.errors = errors


def _table(data: bytes, columns: tuple[str, ...], required: tuple[str, ...]) -> Iterator[tuple[int, dict[str, str]]]:
    """(line, cells by column name) per non-blank line; raises MapFileError for a bad header."""
    text = decode(data).replace("\r\n", "\n").replace("\r", "\n")
    first = text.split("\n", 1)[0]
    reader = csv.reader(io.StringIO(text), delimiter=detect_delimiter(first))
    header = [header_key(h) for h in next(reader, [])]
    missing = [c for c in required if c not in header]
    if missing:
        raise MapFileError([RowError(1, f"the header needs the columns {', '.join(columns)} (missing: "
                                        f"{', '.join(missing)}; found: {', '.join(header) or 'nothing'})")])
    where = {c: header.index(c) for c in columns if c in header}
    try:
        for cells in reader:
            if any(c.strip() for c in cells):
                yield reader.line_num, {c: cells[i].strip() if i < len(cells) else "" for c, i in where.items()}
    except csv.Error as exc:
        raise MapFileError([RowError(reader.line_num, f"cannot read the file from here on: {exc}; "
                                                      'check the quotes (")')]) from None


def read_stage_map(data: bytes) -> dict[str, StageInfo]:
    """CRM stage label (as `stage_key`) → our stage and its chance, from a `crm stage,stage,probability` CSV."""
    result: dict[str, StageInfo] = {}
    lines: dict[str, int] = {}
    errors: list[RowError] = []
    for line, cells in _table(data, STAGE_MAP_COLUMNS, ("crm stage", "stage")):
        label, stage_text, chance = cells["crm stage"], cells["stage"], cells.get("probability", "")
        if not label:
            errors.append(RowError(line, "crm stage: empty; write the stage as the export names it"))
            continue
        stage = parse_stage(stage_text)
        if stage is None:
            errors.append(RowError(line, f"stage: {stage_text!r} is not one of ours; {STAGE_HINT}"))
            continue
        try:
            probability = parse_percent(chance) if chance else {Stage.WON: 100, Stage.LOST: 0}.get(stage)
        except (ValueError, InvalidOperation) as exc:
            errors.append(RowError(line, f"probability: {exc}"))
            continue
        key = stage_key(label)
        if key in lines:
            errors.append(RowError(line, f"crm stage {label!r} is already mapped on line {lines[key]}"))
            continue
        lines[key], result[key] = line, StageInfo(stage, probability)
    if errors:
        raise MapFileError(errors)
    if not result:
        raise MapFileError([RowError(2, "no stages in the file; write one `crm stage,stage,probability` "
                                        "line per stage of your pipeline")])
    return result


def owner_key(name: str) -> str:
    return " ".join(name.casefold().split())


def read_owner_map(data: bytes) -> dict[str, tuple[int, str]]:
    """An export's owner (display name or e-mail, as `owner_key`) → (line, the user it means), from an
    `owner,user` CSV; the user is a platform identity, e-mail or name of a known user."""
    result: dict[str, tuple[int, str]] = {}
    errors: list[RowError] = []
    for line, cells in _table(data, OWNER_MAP_COLUMNS, OWNER_MAP_COLUMNS):
        owner, user = cells["owner"], " ".join(cells["user"].split())
        if not owner or not user:
            errors.append(RowError(line, "write the owner as the export names them and the user they are "
                                         "(slack:U0123, teams:<id>, console:alice or their e-mail)"))
        elif owner_key(owner) in result:
            errors.append(RowError(line, f"owner {owner!r} is already mapped on line {result[owner_key(owner)][0]}"))
        else:
            result[owner_key(owner)] = (line, user)
    if errors:
        raise MapFileError(errors)
    return result
