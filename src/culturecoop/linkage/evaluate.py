"""Quality of a linkage against a truth mapping: pairwise precision, recall and F1.

A *pair* is two records (any members) placed in the same person. Predicted pairs come from
the ``identity`` table (records sharing a ``patron_key``); true pairs from a truth mapping
``{member_id: {member_patron_id: person_id}}`` (``truth.json`` of ``culturecoop synth``,
or the ``rec-N`` numbers of FEBRL). Counting is done per cluster, never by listing pairs.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from culturecoop.errors import UserError
from culturecoop.i18n import _, count, plural
from culturecoop.jsontext import parse
from culturecoop.privacy.encodings import member_id_tokens
from culturecoop.privacy.keys import LINKAGE_SECRET, load_member_keys
from culturecoop.warehouse.engine import Warehouse

Truth = dict[str, dict[str, str]]


@dataclass
class Quality:
    precision: float
    recall: float
    f1: float
    true_pairs: int
    predicted_pairs: int
    correct_pairs: int
    records: int
    truth_records_not_linked: int = 0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _pairs(codes: np.ndarray) -> int:
    counts = np.unique(codes, return_counts=True)[1].astype(np.int64)
    return int((counts * (counts - 1) // 2).sum())


def pairwise_quality(predicted: np.ndarray, truth: np.ndarray) -> Quality:
    """Pairwise P/R/F1 of two labelings of the same records (integer arrays)."""
    predicted = np.asarray(predicted)
    truth = np.asarray(truth)
    _, both = np.unique(np.column_stack([predicted, truth]), axis=0, return_inverse=True)
    tp = _pairs(both.ravel()) if len(predicted) else 0
    pp, tt = _pairs(predicted), _pairs(truth)
    precision = tp / pp if pp else 1.0
    recall = tp / tt if tt else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Quality(round(precision, 5), round(recall, 5), round(f1, 5), tt, pp, tp, len(predicted))


def labels_from_keys(keys: list[str]) -> np.ndarray:
    """Integer labels from string keys (equal keys, equal labels)."""
    return np.unique(np.array(keys, dtype=object).astype(str), return_inverse=True)[1].ravel()


def identity_quality(warehouse: Warehouse, truth: Truth) -> Quality:
    """Quality of the warehouse's ``identity`` table against a truth mapping.

    Only records present in both are counted (``prepare`` quarantines bad rows, so some
    records of the truth never reach the warehouse; their number is reported). No record in
    common at all is an error: link ran on other data.
    """
    rows = warehouse.query(
        "SELECT member_id, member_patron_id, patron_key FROM identity "
        "ORDER BY member_id, member_patron_id"
    )
    known = {(r["member_id"], r["member_patron_id"]): r["patron_key"] for r in rows}
    pred, true = [], []
    missing = 0
    for member_id, records in truth.items():
        for patron_id, person in records.items():
            key = known.get((member_id, patron_id))
            if key is None:
                missing += 1
                continue
            pred.append(key)
            true.append(f"{person}")
    if not pred and not missing:
        raise UserError(_("The truth file lists no record; give the folder `culturecoop synth` wrote, whose "
                          "truth.json names each member's records."))
    if not pred:
        raise UserError(plural(
            missing,
            "The only record of the truth file has no identity; give the warehouse loaded from the same synthetic "
            "data, and with --keys the key folder its packages were prepared with.",
            "None of the {n} records of the truth file has an identity; give the warehouse loaded from the same "
            "synthetic data, and with --keys the key folder its packages were prepared with.").format(n=count(missing)))
    quality = pairwise_quality(labels_from_keys(pred), labels_from_keys(true))
    quality.truth_records_not_linked = missing
    return quality


def _keys_beside(folder: Path) -> Path | None:
    for candidate in (folder / "keys", folder.parent / "keys"):
        if (candidate / LINKAGE_SECRET).is_file():
            return candidate
    return None


def _truth_as_loaded(warehouse: Warehouse, truth: Truth, keys: Path | None) -> Truth:
    """``truth`` keyed by the ids the warehouse holds: the customer numbers as they are (data
    loaded directly), or their tokens as ``prepare`` wrote them with the secret of ``keys``."""
    if keys is None:
        return truth
    secret = load_member_keys(keys).linkage_secret
    tokenized = {member: {token: person for token, person in zip(
        member_id_tokens(list(records), member, secret), records.values(), strict=True) if token is not None}
        for member, records in truth.items()}
    held = {(r["member_id"], r["member_patron_id"]) for r in warehouse.query(
        "SELECT member_id, member_patron_id FROM identity")}

    def found(mapping: Truth) -> int:
        return sum((member, record) in held for member, records in mapping.items() for record in records)

    return tokenized if found(tokenized) > found(truth) else truth


def read_truth(path: Path) -> Truth:
    """A truth mapping from ``truth.json`` (``{member: {record: person}}``)."""
    try:
        data = parse(path.read_bytes())
    except FileNotFoundError:
        raise UserError(
            _("There is no {path}; give the folder written by `culturecoop synth`.").format(path=path)
        ) from None
    except ValueError:  # also not UTF-8, or nested or numbered past reading
        raise UserError(
            _("{path} is not valid JSON; regenerate it with `culturecoop synth`.").format(path=path)
        ) from None
    if isinstance(data, dict) and "patrons" in data and isinstance(data["patrons"], dict):
        data = data["patrons"]
    if not isinstance(data, dict) or not all(isinstance(v, dict) for v in data.values()):
        raise UserError(
            _("{path} does not map members to their records' persons; regenerate it with "
              "`culturecoop synth`.").format(path=path)
        )
    return {str(m): {str(k): str(v) for k, v in recs.items()} for m, recs in data.items()}


def evaluate_synth(folder: Path, db: Path | None = None, keys: Path | None = None) -> dict[str, Any]:
    """Run ``link`` on the warehouse loaded from ``culturecoop synth`` data and score it.

    The warehouse is ``db``, else ``coop.duckdb`` in ``folder`` or in its parent (the
    layout of ``scripts/demo.sh``). A warehouse loaded through ``prepare`` holds each customer
    number as its member's keyed token: the truth's numbers are turned into the same tokens
    with the linkage secret of ``keys`` (else of a ``keys`` folder beside ``folder``).
    """
    from culturecoop.linkage.resolve import link_warehouse

    truth = read_truth(folder / "truth.json")
    if db is None:
        for candidate in (folder / "coop.duckdb", folder.parent / "coop.duckdb"):
            if candidate.exists():
                db = candidate
                break
        else:
            raise UserError(
                _("No warehouse found next to {folder}; give the one loaded from this synthetic "
                  "data with --db FILE.duckdb.").format(folder=folder)
            )
    with Warehouse(db, create=False) as wh:
        summary = link_warehouse(wh)
        quality = identity_quality(wh, _truth_as_loaded(wh, truth, keys or _keys_beside(folder)))
    return {
        "dataset": f"synth:{folder}",
        **quality.as_dict(),
        "pairs_compared": summary.candidate_pairs,
        "seconds": summary.seconds,
        "persons": summary.persons,
        "members": summary.members,
    }
