"""Till and payment-terminal reports (SumUp, Zettle, a card reader's transactions) drafted as they come.

Such a report lists transactions: who ran the till, an amount, a tip, a fee, a payout. Its e-mail
column, when it has one, is the staff login or the merchant account that ran the sale, the same few
addresses on every transaction: no buyer. Its tip is no ticket's price.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from culturecoop.errors import UserError
from culturecoop.ingest.draft import draft_mapping
from culturecoop.ingest.labels import DEFAULT_STATUS_VALUES
from culturecoop.ingest.profile import parse_profile
from culturecoop.ingest.vocabulary import classify_status

HEADER = "Email,Date,Transaction ID,Status,Payment Method,Description,Total amount,Tip amount,Fee\n"


def _report(tmp_path: Path, rows: int, email: Callable[[int], str]) -> Path:
    lines = [HEADER]
    for i in range(rows):
        amount = (12, 15, 24)[i % 3]
        lines.append(f"{email(i)},2026-03-{1 + i % 28:02d} 20:{i % 60:02d},T{7000 + i * 13},Successful,Card,"
                     f"Entry {amount},{amount}.00,{(0, 1)[i % 2]}.00,0.21\n")
    path = tmp_path / "transactions.csv"
    path.write_text("".join(lines), encoding="utf-8")
    return path


def test_a_tip_is_no_price(tmp_path: Path) -> None:
    # "Tip amount" beside "Total amount": the ticket's price is the total, never the tip.
    draft = draft_mapping(_report(tmp_path, 24, lambda i: f"buyer{i}@mail.example"))
    columns = draft.mapping["columns"]
    assert columns.get("unit_price", columns.get("total_price")) == "Total amount"
    assert "Tip amount" in draft.unused_columns


@pytest.mark.parametrize("word", ["Successful", "Erfolgreich"])
def test_a_successful_payment_is_a_sale(word: str) -> None:
    # SumUp's transactions are "Successful" ("Erfolgreich" in German), in the draft and in prepare.
    assert classify_status(word) == "sold"
    assert DEFAULT_STATUS_VALUES[word.lower()] == "sold"


def test_the_staff_login_of_a_till_is_no_buyer(tmp_path: Path) -> None:
    # Two cashiers' logins on thirty transactions: the column names who ran the till, not who paid.
    staff = ("caisse@lecargo.example", "margot@lecargo.example")
    draft = draft_mapping(_report(tmp_path, 30, lambda i: staff[i % 2]))
    assert "email" not in draft.mapping["columns"]
    note = next(e for e in draft.decisions if e.key == "columns.email")
    assert note.check and "Email" in note.why and "30" in note.why
    # Naming no buyer, the report cannot be prepared, and the member is told why.
    with pytest.raises(UserError, match="names no buyer"):
        parse_profile(draft.yaml_text, source="transactions.csv")


def test_buyers_who_come_back_are_buyers(tmp_path: Path) -> None:
    # A few regulars who each bought several times are still the buyers: twelve addresses, thirty orders.
    draft = draft_mapping(_report(tmp_path, 30, lambda i: f"regular{i % 12}@mail.example"))
    assert draft.mapping["columns"]["email"] == "Email"
