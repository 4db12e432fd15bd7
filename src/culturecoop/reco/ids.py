"""On the member's machine: its recommendation list back to its own customer ids.

The cooperative holds a member's patrons as keyed tokens (``prepare`` turns every customer id, or
the e-mail standing in for it, into an HMAC under a key only members can derive), so ``reco
patrons`` lists tokens. The member recomputes the tokens of the ids in its own export with its
linkage secret and swaps them back; nothing leaves the member's machine.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import duckdb

from culturecoop.errors import UserError
from culturecoop.i18n import _
from culturecoop.privacy.encodings import member_id_tokens
from culturecoop.privacy.keys import load_member_keys


def _export_ids(export: Path, column: str, encoding: str) -> list[str]:
    if not export.is_file():
        raise UserError(_("Export file {path} does not exist; check the path.").format(path=export))
    con = duckdb.connect()
    try:
        rel = con.read_csv(str(export), header=True, all_varchar=True, encoding=encoding)
        names = {c.strip().lower(): c for c in rel.columns}
        if column.lower() not in names:
            raise UserError(_("{path} has no column {column}; give the column that holds your customer ids with --id-column (columns: {columns}).").format(
                path=export, column=column, columns=", ".join(rel.columns)))
        rows = con.sql(f'SELECT DISTINCT "{names[column.lower()]}" FROM rel').fetchall()
    except duckdb.Error as exc:
        raise UserError(_("{path} cannot be read as CSV ({reason}); give a comma-separated file with a header row.").format(
            path=export, reason=str(exc).splitlines()[0])) from None
    finally:
        con.close()
    return [str(r[0]) for r in rows if r[0] is not None and str(r[0]).strip()]


def map_back(recommendations: Path, export: Path, member_id: str, keys: Path, *, id_column: str = "patron_id",
             encoding: str = "utf-8") -> tuple[list[dict[str, Any]], int]:
    """The rows of ``reco patrons`` with each token replaced by the member's own id, and the
    number of rows whose token matched no id of the export (kept, with an empty id)."""
    if not recommendations.is_file():
        raise UserError(_("Recommendations file {path} does not exist; write it with `culturecoop reco patrons --out FILE`.").format(path=recommendations))
    rows = list(csv.DictReader(io.StringIO(recommendations.read_text(encoding="utf-8"))))
    if rows and "member_patron_id" not in rows[0]:
        raise UserError(_("{path} is not a `reco patrons` file (no member_patron_id column).").format(path=recommendations))
    ids = _export_ids(export, id_column, encoding)
    secret = load_member_keys(keys).linkage_secret
    own = {t: v for t, v in zip(member_id_tokens(ids, member_id, secret), ids, strict=True) if t is not None}
    unmatched = 0
    for row in rows:
        mine = own.get(row["member_patron_id"])
        unmatched += mine is None
        row["member_patron_id"] = mine or ""
    return rows, unmatched
