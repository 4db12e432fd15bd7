"""Contribution packages damaged in transit or tampered with, given to `culturecoop ingest`.

Every file is read through before anything is loaded, so a truncated or corrupted table is
refused in one sentence even when its manifest entry was re-hashed to match; the warehouse is
left byte-identical, also when only the second of two packages is bad."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pytest

from faults.builders import (
    cut_table,
    edit_manifest,
    flip_bytes,
    package_with,
    rehash,
    rewrite_table,
    write,
)
from faults.conftest import Case, Outcome, Shared, check_outcome, run_cases

INGEST = ("ingest", "{case}/pkg", "--db", "{case}/coop.duckdb")


def with_warehouse(setup: object) -> object:
    """``setup``, plus a copy of the shared warehouse the package is loaded into."""

    def both(folder: Path, shared: Shared) -> None:
        shutil.copy(shared.coop, folder / "coop.duckdb")
        if setup is not None:
            setup(folder, shared)  # type: ignore[operator]

    return both


def _set(path: str, value: object):  # type: ignore[no-untyped-def]
    def edit(manifest: dict[str, object]) -> None:
        target: dict[str, object] = manifest
        *parents, last = path.split(".")
        for key in parents:
            target = target[key]  # type: ignore[assignment]
        target[last] = value

    return edit


def _drop(path: str):  # type: ignore[no-untyped-def]
    def edit(manifest: dict[str, object]) -> None:
        target: dict[str, object] = manifest
        *parents, last = path.split(".")
        for key in parents:
            target = target[key]  # type: ignore[assignment]
        del target[last]

    return edit


def _other_member(table: pa.Table) -> pa.Table:
    index = table.column_names.index("member_id")
    return table.set_column(index, "member_id", pa.array(["intrus"] * table.num_rows))


def _quantity_as_text(table: pa.Table) -> pa.Table:
    index = table.column_names.index("quantity")
    return table.set_column(index, "quantity", pc.cast(table.column("quantity"), pa.string()))


def _renamed_column(table: pa.Table) -> pa.Table:
    return table.rename_columns([("montant" if n == "unit_price" else n) for n in table.column_names])


def _named_elsewhere(column: str):  # type: ignore[no-untyped-def]
    """The first ticket's ``column`` edited to name an event or a buyer the package does not hold."""
    def edit(table: pa.Table) -> pa.Table:
        values = table.column(column).to_pylist()
        values[0] = "0" * 32
        return table.set_column(table.column_names.index(column), column, pa.array(values, pa.string()))

    return edit


def _edited_amount(column: str, value: float):  # type: ignore[no-untyped-def]
    """The first ticket's ``column`` set to ``value`` (the package re-hashed, as a forger would)."""
    def edit(table: pa.Table) -> pa.Table:
        values = table.column(column).to_pylist()
        values[0] = type(values[0])(value)
        return table.set_column(table.column_names.index(column), column,
                                pa.array(values, table.schema.field(column).type))

    return edit


def _duplicated(table: pa.Table) -> pa.Table:
    return pa.concat_tables([table, table.slice(0, 1)])


def _csv_in_place(package: Path) -> None:
    (package / "ticket.parquet").write_text("ticket_id,member_id\nT1,m1\n")
    rehash(package, "ticket")


def _second_package_bad(folder: Path, shared: Shared) -> None:
    shutil.copy(shared.coop, folder / "coop.duckdb")
    from packages import make_package

    make_package(folder / "good", member_id="m2", n_tickets=50)
    shutil.copytree(shared.package, folder / "pkg")
    cut_table("patron", 0.5)(folder / "pkg")


def manifest_bytes(data: bytes):  # type: ignore[no-untyped-def]
    def change(package: Path) -> None:
        (package / "manifest.json").write_bytes(data)

    return change


PACKAGES: dict[str, tuple[object, int | tuple[int, ...], tuple[str, ...]]] = {
    # ---- the manifest ----
    "manifest-not-json": (manifest_bytes(b"{not json"), 3, ("manifest", "json")),
    "manifest-is-a-list": (edit_manifest(lambda m: [m]), 3, ("manifest",)),
    "manifest-not-utf8": (manifest_bytes(b'{"format": "\xff\xfe"}'), 3, ("manifest",)),
    "manifest-huge": (manifest_bytes(b'{"format": "culturecoop-package", "x": "' + b"y" * (2 << 20) + b'"}'), 3,
                      ("too large",)),
    "manifest-missing": (lambda p: (p / "manifest.json").unlink(), 2, ("manifest.json",)),
    "manifest-is-a-folder": (lambda p: ((p / "manifest.json").unlink(), (p / "manifest.json").mkdir()), 2,
                             ("manifest.json",)),
    "format-unknown": (edit_manifest(_set("format", "zip")), 3, ("unknown format",)),
    "schema-version-99": (edit_manifest(_set("schema_version", 99)), 3, ("99",)),
    "schema-version-as-text": (edit_manifest(_set("schema_version", "1")), 3, ("schema version",)),
    # The right version written as text read « version 2, but this warehouse uses version 2 ».
    "schema-version-2-as-text": (edit_manifest(_set("schema_version", "2")), 3, ("gives no schema version",)),
    "manifest-nested-deep": (manifest_bytes(b"[" * 100_000 + b"]" * 100_000), 3, ("manifest", "not valid JSON")),
    "manifest-number-too-long": (manifest_bytes(b'{"format": "culturecoop-package", "schema_version": '
                                                + b"9" * 5_000 + b"}"), 3, ("manifest", "not valid JSON")),
    "member-kind-unknown": (edit_manifest(_set("member.kind", "spaceship")), 3, ("wrong kind",)),
    "rows-negative": (edit_manifest(_set("rows.in", -5)), 3, ("wrong kind",)),
    "table-rows-as-text": (edit_manifest(_set("tables.ticket.rows", "12")), 3, ("wrong kind",)),
    "member-missing": (edit_manifest(_drop("member")), 3, ("no member",)),
    "member-id-empty": (edit_manifest(_set("member.member_id", "")), 3, ("no member",)),
    "member-id-a-number": (edit_manifest(_set("member.member_id", 42)), 3, ("no member",)),
    "member-is-a-list": (edit_manifest(_set("member", ["m1"])), 3, ("no member",)),
    "member-name-a-dict": (edit_manifest(_set("member.name", {"x": 1})), 3, ("wrong kind",)),
    "rows-a-string": (edit_manifest(_set("rows", "many")), 3, ("wrong kind",)),
    "rows-values-text": (edit_manifest(_set("rows.in", "12")), 3, ("wrong kind",)),
    "tables-a-list": (edit_manifest(_set("tables", ["ticket"])), 3, ("wrong kind",)),
    "table-entry-missing": (edit_manifest(_drop("tables.consent")), 3, ("consent",)),
    "table-entry-without-sha": (edit_manifest(_drop("tables.ticket.sha256")), 3, ("ticket",)),
    "created-at-garbage": (edit_manifest(_set("created_at", "yesterday")), 3, ("created_at",)),
    "created-at-missing": (edit_manifest(_drop("created_at")), 3, ("created_at",)),
    "file-name-escapes": (edit_manifest(_set("tables.ticket.file", "../../../etc/passwd")), 3, ("passwd",)),
    "manifest-rows-disagree": (edit_manifest(_set("tables.ticket.rows", 999)), 3, ("999",)),
    # ---- the table files ----
    "table-missing": (lambda p: (p / "ticket.parquet").unlink(), 3, ("ticket.parquet",)),
    "table-is-a-folder": (lambda p: ((p / "ticket.parquet").unlink(), (p / "ticket.parquet").mkdir()), 3,
                          ("ticket.parquet",)),
    "table-truncated": (cut_table("ticket", 0.5, rehashed=False), 3, ("checksum",)),
    "table-truncated-rehashed": (cut_table("ticket", 0.5), 3, ("ticket.parquet", "damaged")),
    "table-cut-to-footer-rehashed": (cut_table("ticket", 0.95), 3, ("ticket.parquet", "damaged")),
    "table-emptied-rehashed": (cut_table("patron", 0.0), 3, ("patron.parquet", "damaged")),
    "table-flipped-bytes-rehashed": (flip_bytes("patron", 0.3), 3, ("patron.parquet",)),
    "table-is-csv-rehashed": (_csv_in_place, 3, ("ticket.parquet",)),
    "table-other-member-rehashed": (rewrite_table("ticket", _other_member), 3, ("another member",)),
    "table-renamed-column-rehashed": (rewrite_table("ticket", _renamed_column), 3, ("columns",)),
    "table-duplicate-keys-rehashed": (rewrite_table("ticket", _duplicated), 3, ("ticket",)),
    "table-quantity-as-text-rehashed": (rewrite_table("ticket", _quantity_as_text), (0, 3), ()),
    # Loaded, such tickets were left out of every report without a word.
    "ticket-of-an-event-not-in-the-package": (rewrite_table("ticket", _named_elsewhere("event_id")), 3,
                                              ("ticket.parquet", "name an event the package does not hold")),
    "ticket-of-a-buyer-not-in-the-package": (rewrite_table("ticket", _named_elsewhere("member_patron_id")), 3,
                                             ("ticket.parquet", "name a buyer the package does not hold")),
    # Loaded, one such line outweighed a season's sales in every pooled figure.
    "ticket-quantity-minus-a-million": (rewrite_table("ticket", _edited_amount("quantity", -1_000_000)), 3,
                                        ("ticket.parquet", "(admissions on a line: -1,000,000)", "prepare never writes")),
    "ticket-price-negative": (rewrite_table("ticket", _edited_amount("unit_price", -500)), 3,
                              ("ticket.parquet", "unit price of -500")),
    "table-swapped": (lambda p: shutil.copy(p / "event.parquet", p / "ticket.parquet"), 3, ("checksum",)),
}


def _cases() -> list[Case]:
    cases = []
    for name, (change, code, says) in PACKAGES.items():
        real = name in ("table-truncated-rehashed", "manifest-not-json")
        cases.append(Case(f"ingest-{name}", INGEST, code, with_warehouse(package_with(change)), says,  # type: ignore[arg-type]
                          real=real))
    cases += [
        Case("ingest-second-package-bad", ("ingest", "{case}/good", "{case}/pkg", "--db", "{case}/coop.duckdb"), 3,
             _second_package_bad, ("patron.parquet",)),
        Case("ingest-package-is-a-file", INGEST, 2, with_warehouse(write("pkg", "not a folder")), ("package",)),
        Case("ingest-package-is-empty-folder", INGEST, 2, with_warehouse(lambda f, s: (f / "pkg").mkdir()),
             ("manifest",)),
        Case("ingest-package-missing", INGEST, 2, with_warehouse(None), ("does not exist",)),
        Case("ingest-table-truncated-rehashed-fr", INGEST, 3, with_warehouse(package_with(cut_table("ticket", 0.5))),
             ("ticket.parquet",), lang="fr"),
        Case("ingest-table-unreadable", INGEST, (3, 5),
             with_warehouse(package_with(lambda p: (p / "ticket.parquet").chmod(0o000))), ("ticket.parquet",),
             confined=True),
        Case("ingest-package-folder-unreadable", INGEST, (2, 5),
             with_warehouse(package_with(lambda p: p.chmod(0o000))), ("pkg",), confined=True),
    ]
    return cases


CASES = _cases()


@pytest.fixture(scope="module")
def outcomes(shared: Shared, tmp_path_factory: pytest.TempPathFactory, confinement: bool) -> dict[str, Outcome]:
    cases = [c for c in CASES if confinement or not c.confined]
    return run_cases(cases, shared, tmp_path_factory.mktemp("packages"), "packages")


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_case(case: Case, outcomes: dict[str, Outcome], confinement: bool) -> None:
    if case.confined and not confinement:
        pytest.skip("permission bits do not stop this root process (no CAP_SETPCAP to drop its capabilities)")
    check_outcome(case, outcomes[case.id])


def test_a_rehashed_truncated_table_is_refused_before_the_warehouse_is_opened(outcomes: dict[str, Outcome]) -> None:
    """The warehouse is not even opened: verification reads every page first."""
    outcome = outcomes["ingest-table-truncated-rehashed"]
    assert outcome.exit == 3
    assert outcome.after == outcome.before
    assert not (outcome.folder / "coop.duckdb.wal").exists()
    assert "Parquet magic bytes" not in outcome.stderr or "damaged" in outcome.stderr
    manifest = json.loads((outcome.folder / "pkg" / "manifest.json").read_text())
    assert manifest["tables"]["ticket"]["sha256"]  # the tamperer's re-hash was in place
