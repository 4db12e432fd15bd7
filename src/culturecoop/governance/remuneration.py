"""Remuneration statements: the period's pool shared by contribution, to the cent.

The cooperative admin sets, for a period, the pool, the fees withheld from it, the weight of
each value function, an optional floor every member receives, an optional preferential rate for
large providers (members whose weighted share reaches a threshold), and an optional cap (the
largest fraction of the distributed amount one member may receive). ``allocate`` turns
contributions and rules into amounts in cents whose sum plus the fees equals the pool exactly
(largest-remainder rounding); every input that cannot add up is refused in one sentence.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from babel.numbers import is_currency

from culturecoop.analytics.wording import number
from culturecoop.errors import UserError
from culturecoop.governance.contribution import VALUE_FUNCTIONS, Contribution
from culturecoop.i18n import _, count, current_language, general, plural
from culturecoop.warehouse.engine import Warehouse

# Digits grouped by thousands with commas, and maybe cents after a point (« 12,500 », « 1,234.50 »).
_GROUPED = re.compile(r"[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]*)?")

# A trillion dollars: more than any pool, and an amount in cents that every column holds.
MAX_AMOUNT = 10**12


@dataclass
class Rules:
    pool_cents: int
    fees_cents: int = 0
    weights: dict[str, float] = field(default_factory=lambda: {"insight": 0.5, "linkage": 0.3, "conversions": 0.2})
    floor_cents: int = 0
    preferential_rate: float = 1.0
    preferential_threshold: float = 0.0
    cap: float = 1.0
    currency: str = "CAD"

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def cents(text: str | float | int, option: str) -> int:
    """An amount in dollars (``1234.50`` or ``1 234,50``) as cents."""
    cleaned = str(text).replace(" ", "").replace("\u00a0", "").replace("\u202f", "").replace("$", "")
    if _GROUPED.fullmatch(cleaned) and (cleaned.count(",") > 1 or "." in cleaned):
        cleaned = cleaned.replace(",", "")  # English grouping: 1,234,567 or 12,500.00
    elif _GROUPED.fullmatch(cleaned) and not cleaned.startswith("0"):
        # « 12,500 » is twelve thousand five hundred in English and twelve and a half in French: read
        # as the latter, an English reader's pool was a thousand times too small.
        whole, _comma, part = cleaned.partition(",")
        point = "," if current_language() == "fr" else "."
        raise UserError(_("{option} {value} reads as {grouped} or as {decimal}; write the amount without a thousands "
                          "separator, e.g. 12500.00 or 12.50.").format(
            option=option, value=text, grouped=whole + part,
            decimal=whole + (point + part.rstrip("0") if part.rstrip("0") else "")))
    cleaned = cleaned.replace(",", ".")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise UserError(_("{value} is not an amount; give {option} in dollars, e.g. 12500.00.").format(value=text, option=option)) from None
    if not value.is_finite():
        raise UserError(_("{value} is not an amount; give {option} in dollars, e.g. 12500.00.").format(value=text, option=option))
    if value < 0:
        raise UserError(_("{option} cannot be negative; give an amount in dollars, e.g. 12500.00.").format(option=option))
    if value > MAX_AMOUNT:
        raise UserError(_("{option} {value} is more than any amount the cooperative shares; give an amount in dollars up to {most}, e.g. 12500.00.").format(
            option=option, value=text, most=count(MAX_AMOUNT)))
    return int((value * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def parse_weights(text: str) -> dict[str, float]:
    """``insight=0.5,linkage=0.3,conversions=0.2``."""
    weights: dict[str, float] = {}
    # Pairs are parted by a comma before the next name (or a semicolon, or spaces): a French decimal comma
    # stays in its value (« insight=0,5,linkage=0,3 »).
    for part in filter(None, (p.strip() for p in re.split(r"[;\s]+|,(?=\s*[^\d\s,;])", re.sub(r"\s*=\s*", "=", text)))):
        name, _sep, value = part.partition("=")
        value = value.strip().replace(",", ".") if re.fullmatch(r"\s*[-+]?\d*,\d+\s*", value) else value
        if name.strip() not in VALUE_FUNCTIONS:
            raise UserError(_("{name} is not a value function; use insight, linkage, recommendation or conversions, e.g. --weights insight=0.4,linkage=0.25,recommendation=0.2,conversions=0.15.").format(name=name.strip()))
        try:
            weights[name.strip()] = float(value)
        except ValueError:
            weights[name.strip()] = math.nan
        if not math.isfinite(weights[name.strip()]):
            raise UserError(_("The weight of {name} is not a number; write it like insight=0.5.").format(name=name.strip()))
    return weights


def check_rules(rules: Rules, members: int) -> None:
    """Refuse rules that cannot add up, in one sentence each."""
    # First: the amounts below are said in it (« 2 000,00 CAD »).
    if not (re.fullmatch(r"[A-Z]{3}", rules.currency) and is_currency(rules.currency)):
        # « <script> » or « dollars » was printed before every amount of every member's statement.
        raise UserError(_("--currency {currency} is not a currency code; give its three capital letters, e.g. "
                          "--currency CAD or --currency EUR.").format(currency=rules.currency))
    if rules.pool_cents <= 0:
        raise UserError(_("The pool is empty; give --pool, the amount to share in dollars."))
    if rules.fees_cents > rules.pool_cents:
        raise UserError(_("The fees ({fees}) are larger than the pool ({pool}); lower --fees or raise --pool.").format(
            fees=money(rules.fees_cents, rules.currency), pool=money(rules.pool_cents, rules.currency)))
    if not all(math.isfinite(v) for v in (*rules.weights.values(), rules.cap, rules.preferential_rate,
                                          rules.preferential_threshold)):
        raise UserError(_("A weight, the cap or the preferential rate is not a number; give finite numbers, e.g. --weights insight=0.5,linkage=0.3,conversions=0.2."))
    if any(w < 0 for w in rules.weights.values()):
        raise UserError(_("A weight is negative; give weights between 0 and 1 that add up to 1."))
    total = sum(rules.weights.values())
    if abs(total - 1) > 1e-6:
        raise UserError(_("The weights add up to {total}, not 1; adjust --weights so that they add up to 1.").format(total=general(round(total, 6))))
    distributable = rules.pool_cents - rules.fees_cents
    if rules.floor_cents * members > distributable:
        raise UserError(plural(members, "A floor of {floor} for the {n} member is more than the {amount} to share; lower --floor.",
                               "A floor of {floor} for each of {n} members is more than the {amount} to share; lower --floor.").format(
            floor=money(rules.floor_cents, rules.currency), n=count(members), amount=money(distributable, rules.currency)))
    if not 0 < rules.cap <= 1 or rules.cap * members < 1:
        raise UserError(plural(members, "A cap of {cap} cannot give the whole amount to the {n} member; give --cap between {low} and 1.",
                               "A cap of {cap} cannot share the whole amount among {n} members; give --cap between {low} and 1.").format(
            cap=general(rules.cap), n=count(members), low=general(round(1 / members, 4) if members else 1)))
    if rules.floor_cents > rules.cap * distributable:
        raise UserError(_("The floor is above the cap; lower --floor or raise --cap."))
    if rules.preferential_rate < 1 or not 0 <= rules.preferential_threshold <= 1:
        raise UserError(_("The preferential rate must be at least 1 and its threshold between 0 and 1, e.g. --preferential-rate 1.2 --preferential-threshold 0.2."))


def money(amount_cents: int, currency: str | None = None) -> str:
    """An amount in a sentence, in the reader's language (« 1 234,50 » in French, "1,234.50" in English),
    with its currency as the statements write it when given (« 1 234,50 CAD », "CAD 1,234.50")."""
    text = number(amount_cents / 100, current_language(), 2)
    if currency is None:
        return text
    return f"{text}\u00a0{currency}" if current_language() == "fr" else f"{currency} {text}"


def plain_amount(amount_cents: int) -> str:
    """An amount for a file a program reads: "1234.50", whatever the language."""
    return f"{amount_cents / 100:.2f}"


def scores(contribution: Contribution, rules: Rules) -> dict[str, float]:
    """Each member's weighted share of value, the preferential rate applied, normalized to 1."""
    weights = {n: w for n, w in rules.weights.items() if w and contribution.functions[n].total > 0}
    if not weights:
        raise UserError(_("No value function with a weight produced any value in this period; choose another period or other weights."))
    total_weight = sum(weights.values())
    raw = {m: sum(w / total_weight * max(contribution.functions[n].fraction(m), 0.0) for n, w in weights.items())
           for m in contribution.members}
    if rules.preferential_threshold > 0:
        raw = {m: s * rules.preferential_rate if s >= rules.preferential_threshold else s for m, s in raw.items()}
    norm = sum(raw.values())
    return {m: s / norm for m, s in raw.items()} if norm else {m: 1 / len(raw) for m in raw}


def allocate(contribution: Contribution, rules: Rules) -> dict[str, int]:
    """Amounts in cents per member; their sum is the pool minus the fees, exactly."""
    members = contribution.members
    check_rules(rules, len(members))
    share = scores(contribution, rules)
    distributable = rules.pool_cents - rules.fees_cents
    cap = rules.cap * distributable
    capped: set[str] = set()
    while True:
        free = [m for m in members if m not in capped]
        left = distributable - cap * len(capped) - rules.floor_cents * len(free)
        weight = sum(share[m] for m in free)
        target = {m: cap for m in capped}
        for m in free:
            target[m] = rules.floor_cents + left * (share[m] / weight if weight else 1 / len(free))
        over = {m for m in free if target[m] > cap + 1e-9}
        if not over:
            break
        capped |= over
    floors = {m: int(target[m]) for m in members}
    remainder = distributable - sum(floors.values())
    for m in sorted(members, key=lambda m: (-(target[m] - floors[m]), m))[:remainder]:
        floors[m] += 1
    assert sum(floors.values()) == distributable
    return floors


def statements(contribution: Contribution, rules: Rules) -> dict[str, Any]:
    """Every member's statement and the admin's summary (plain data: JSON, pages and PDFs)."""
    amounts = allocate(contribution, rules)
    share = scores(contribution, rules)
    issued = datetime.now(UTC).replace(tzinfo=None).isoformat(timespec="seconds")
    members = {}
    for m in contribution.members:
        body = {
            "member_id": m, "from": contribution.start.isoformat(), "to": contribution.end.isoformat(),
            "amount_cents": amounts[m], "currency": rules.currency, "weighted_share": share[m],
            "figures": {n: {"member": f.shares[m], "cooperative": f.total, "fraction": f.fraction(m), "exact": f.exact,
                            "half_width": None if f.half_width is None else f.half_width[m]}
                        for n, f in contribution.functions.items()},
            "rules": rules.as_dict(), "issued_at": issued,
        }
        body["statement_id"] = hashlib.sha256(json.dumps(body, sort_keys=True, default=str).encode()).hexdigest()[:12]
        members[m] = body
    return {
        "from": contribution.start.isoformat(), "to": contribution.end.isoformat(), "rules": rules.as_dict(),
        "pool_cents": rules.pool_cents, "fees_cents": rules.fees_cents,
        "distributed_cents": sum(amounts.values()), "statements": members, "issued_at": issued,
    }


def rules_key(contribution: Contribution) -> str:
    return f"remuneration:{contribution.start.isoformat()}:{contribution.end.isoformat()}"


def save_rules(warehouse: Warehouse, key: str, rules: Rules, who: str) -> None:
    with warehouse.transaction() as con:
        con.execute("INSERT OR REPLACE INTO governance_policy VALUES (?, ?, ?, ?)",
                    [key, json.dumps(rules.as_dict()), datetime.now(UTC).replace(tzinfo=None), who])


def load_rules(warehouse: Warehouse, key: str) -> Rules | None:
    value = warehouse.scalar("SELECT value FROM governance_policy WHERE name = ?", [key])
    return Rules(**json.loads(value)) if value else None
