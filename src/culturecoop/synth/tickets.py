"""One member's ticket rows, vectorized: who went to which event, when they bought, at what price.

The planted retention: each patron attends ``k`` distinct events of the member, with ``k``
geometric — after every event a patron comes back with probability ``MemberSpec.retention``.
Duplicate draws of one event are merged, so the realized rate is measured, not assumed
(``signals.retention``). Each attendance is one order of one or more ticket rows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from culturecoop.synth import catalog as cat
from culturecoop.synth.events import Events, make_events
from culturecoop.synth.population import People, Records, assign_patron_ids, make_records
from culturecoop.synth.taste import Tastes, choose_events

MIN_EVENTS = 8
SOLD, REFUNDED, CANCELLED, EXCHANGED = range(4)


@dataclass
class Tickets:
    """A member's valid ticket rows, in the order of the export (by purchase time)."""

    record: np.ndarray  # index into Records
    event: np.ndarray  # index into Events
    order_no: np.ndarray
    ticket_no: np.ndarray
    purchased_at: np.ndarray  # datetime64[s]
    status: np.ndarray  # index into catalog.STATUSES
    quantity: np.ndarray
    price_cents: np.ndarray
    channel: np.ndarray  # index into catalog.CHANNELS

    @property
    def n(self) -> int:
        return len(self.record)


@dataclass
class Upcoming:
    """The member's announced next season and who will come (truth, never in the export)."""

    events: Events
    person: np.ndarray  # person index of each future attendance
    event: np.ndarray  # index into ``events``
    bought_at: np.ndarray  # datetime64[s], after WINDOW_END


@dataclass
class MemberData:
    spec: cat.MemberSpec
    events: Events
    records: Records
    tickets: Tickets
    upcoming: Upcoming | None = None


def _distinct_attendances(rng: np.random.Generator, events: Events, n_patrons: int,
                          retention: float, patrons: np.ndarray | None = None,
                          tastes: Tastes | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(patron, event) pairs: ``k`` geometric draws per patron, duplicates merged; each draw
    by popularity alone, or by popularity and the person's taste when ``tastes`` is given."""
    k = np.minimum(rng.geometric(1.0 - retention, size=n_patrons), events.n)
    patron = np.repeat(np.arange(n_patrons, dtype=np.int64), k)
    if tastes is not None and patrons is not None:
        event = choose_events(rng, tastes, patrons[patron], events)
    else:
        cum = np.cumsum(events.popularity)
        event = np.searchsorted(cum, rng.random(len(patron)) * cum[-1], side="right")
        event = np.minimum(event, events.n - 1)
    key = np.unique(patron * events.n + event)
    return key // events.n, key % events.n


def make_upcoming(rng: np.random.Generator, spec: cat.MemberSpec, patrons: np.ndarray,
                  tastes: Tastes, n_past_events: int, attendances_per_patron: float,
                  season: tuple[dt.datetime, dt.datetime]) -> Upcoming:
    """The next season (``catalog.upcoming_season``) and its attendances, drawn by the same taste."""
    months = cat.UPCOMING_DAYS / 30.4
    span = (cat.WINDOW_END - cat.WINDOW_START).days / 30.4
    n_events = max(MIN_EVENTS // 2, round(n_past_events * months / span))
    events = make_events(rng, spec, n_events, season=season, first_number=n_past_events)
    per_patron = rng.poisson(attendances_per_patron * months / span, size=len(patrons))
    person = np.repeat(patrons, per_patron)
    event = choose_events(rng, tastes, person, events)
    key = np.unique(person * events.n + event)
    person, event = key // events.n, key % events.n
    lead_s = np.minimum(rng.exponential(spec.lead_days * 86_400, size=len(person)),
                        (4 * spec.lead_days + 14) * 86_400) + rng.integers(600, 7_200, len(person))
    bought = events.starts_at[event].astype("datetime64[s]") - lead_s.astype("timedelta64[s]")
    # The season goes on sale when it is announced, at the end of the period.
    bought = np.maximum(bought, np.datetime64(cat.WINDOW_END, "s") + np.timedelta64(3_600, "s"))
    return Upcoming(events, person, event, bought)


def make_member_data(rng: np.random.Generator, spec: cat.MemberSpec, people: People,
                     patrons: np.ndarray, target_rows: float, tastes: Tastes | None = None,
                     upcoming_rng: np.random.Generator | None = None,
                     season: tuple[dt.datetime, dt.datetime] | None = None) -> MemberData:
    """Events, customer records and valid ticket rows of one member.

    ``patrons`` are the person indices of the member's patrons; ``target_rows`` is the number
    of ticket rows to aim for (the number of events and tickets per order follow from it).
    With ``tastes`` and ``upcoming_rng``, the upcoming ``season`` (default: the one after the
    period) gets events and their attendances too.
    """
    # Small cooperatives get smaller events rather than a handful of huge ones.
    n_events = max(MIN_EVENTS, round(target_rows / spec.fill), round(2 * target_rows ** 0.5))
    events = make_events(rng, spec, n_events)
    pe_patron, pe_event = _distinct_attendances(rng, events, len(patrons), spec.retention, patrons, tastes)
    n_pe = len(pe_patron)

    # A few patrons own a second customer record; their later attendances use it.
    per_patron = np.bincount(pe_patron, minlength=len(patrons))
    dup = np.flatnonzero((per_patron >= 2) & (rng.random(len(patrons)) < spec.duplicate_rate))
    dup_record = np.full(len(patrons), -1, dtype=np.int64)
    dup_record[dup] = len(patrons) + np.arange(len(dup))
    pe_record = pe_patron.copy()
    has_dup = dup_record[pe_patron] >= 0
    # pairs are sorted by patron then event (chronological): the last one per patron is "latest"
    last_of_patron = np.r_[pe_patron[1:] != pe_patron[:-1], True]
    first_of_patron = np.r_[True, pe_patron[1:] != pe_patron[:-1]]
    to_dup = has_dup & ~first_of_patron & (last_of_patron | (rng.random(n_pe) < 0.3))
    pe_record[to_dup] = dup_record[pe_patron[to_dup]]
    record_person = np.concatenate([patrons, patrons[dup]])
    is_dup = np.r_[np.zeros(len(patrons), bool), np.ones(len(dup), bool)]
    records = make_records(rng, spec, people, record_person, is_dup)
    assign_patron_ids(rng, spec, records)

    # Ticket rows: each attendance is one order of 1 + Poisson(lam) rows.
    lam = max(0.0, target_rows / max(n_pe, 1) - 1.0)
    rows_per = 1 + rng.poisson(lam, size=n_pe)
    channel_names = [c for c, _ in spec.channels]
    cw = np.array([w for _, w in spec.channels])
    pe_channel = np.array([cat.CHANNELS.index(c) for c in channel_names])[
        rng.choice(len(channel_names), size=n_pe, p=cw / cw.sum())]
    lead_s = np.minimum(rng.exponential(spec.lead_days * 86_400, size=n_pe),
                        (4 * spec.lead_days + 14) * 86_400) + rng.integers(600, 7_200, n_pe)
    same_day = (pe_channel == cat.CHANNELS.index("box_office")) & (rng.random(n_pe) < 0.5)
    lead_s = np.where(same_day, rng.integers(300, 4 * 3_600, n_pe), lead_s)
    pe_bought = (events.starts_at[pe_event].astype("datetime64[s]")
                 - lead_s.astype("timedelta64[s]"))
    order_rank = np.argsort(pe_bought, kind="stable")
    pe_order_no = np.empty(n_pe, dtype=np.int64)
    pe_order_no[order_rank] = np.arange(n_pe) + spec.id_start[2]

    pe_of_row = np.repeat(order_rank, rows_per[order_rank])  # rows grouped in purchase order
    n_rows = len(pe_of_row)
    factors = np.array([f for f, _ in spec.price_tiers])
    tw = np.array([w for _, w in spec.price_tiers])
    tier = rng.choice(len(factors), size=n_rows, p=tw / tw.sum())
    ev = pe_event[pe_of_row]
    price = np.round(events.price_cents[ev] * factors[tier] / 25).astype(np.int64) * 25
    qw = np.array(spec.quantity_weights)
    quantity = 1 + rng.choice(len(qw), size=n_rows, p=qw / qw.sum())
    roll = rng.random(n_rows)
    status = np.select(
        [events.cancelled[ev], roll < spec.refund_rate,
         roll < spec.refund_rate + spec.exchange_rate,
         roll < spec.refund_rate + spec.exchange_rate + spec.cancel_rate],
        [CANCELLED, REFUNDED, EXCHANGED, CANCELLED], SOLD).astype(np.int8)
    sold = np.bincount(ev, weights=quantity * (status == SOLD), minlength=events.n)
    events.capacity = np.maximum(events.venue_capacity, (np.ceil(sold * 1.05 / 10) * 10).astype(np.int64))
    tickets = Tickets(
        record=pe_record[pe_of_row], event=ev, order_no=pe_order_no[pe_of_row],
        ticket_no=np.arange(n_rows, dtype=np.int64) + spec.id_start[3],
        purchased_at=pe_bought[pe_of_row], status=status, quantity=quantity.astype(np.int64),
        price_cents=price, channel=pe_channel[pe_of_row].astype(np.int8),
    )
    upcoming = None
    if tastes is not None and upcoming_rng is not None:
        upcoming = make_upcoming(upcoming_rng, spec, patrons, tastes, events.n, n_pe / max(len(patrons), 1),
                                 season or cat.upcoming_season(cat.WINDOW_END.date()))
    return MemberData(spec=spec, events=events, records=records, tickets=tickets, upcoming=upcoming)
