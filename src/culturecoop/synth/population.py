"""People of the synthetic cooperative, and each member's customer records of them.

``draw_people`` creates the true persons (one row each, vectorized with NumPy); who is a
patron of which member is drawn by ``draw_memberships``, which plants the cross-member
affinity; ``make_records`` turns one member's patrons into customer records with the
variations real box-office data has: typos, dropped accents, nicknames, swapped or
upper-cased names, a second e-mail, a stale postal code after a move, a missing birth date,
e-mail case and whitespace, several phone formats, and a few people with two customer ids.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from culturecoop.folding import strip_accents
from culturecoop.synth import names
from culturecoop.synth.catalog import (
    AFFINITY_FROM,
    AFFINITY_LIFT,
    AFFINITY_TO,
    MEMBERS,
    PHONE_STYLES,
    REGION_SHARES,
    MemberSpec,
)

REFERENCE_DAY = np.datetime64("2025-09-01")
_AGE_EDGES = np.array([18, 25, 35, 45, 55, 65, 75, 89])
_AGE_WEIGHTS = np.array([0.12, 0.2, 0.18, 0.16, 0.16, 0.13, 0.05])


def _zipf(n: int, skew: float = 0.9) -> np.ndarray:
    w = 1.0 / (np.arange(n) + 4.0) ** skew
    normalized: np.ndarray = w / w.sum()
    return normalized


def fold_accents(text: str) -> str:
    """``text`` without diacritics (``Côté`` → ``Cote``, ``Sœur`` → ``Soeur``)."""
    return strip_accents(text)


def _email_part(text: str) -> str:
    return fold_accents(text).lower().replace("'", "").replace(" ", "")


@dataclass
class People:
    """The true persons; index ``i`` is person ``P{i+1:07d}``."""

    region: np.ndarray  # 0 Montréal, 1 Québec City
    female: np.ndarray
    english: np.ndarray
    given: np.ndarray  # object arrays of str
    surname: np.ndarray
    birth: np.ndarray  # datetime64[D]
    age_band: np.ndarray  # 0: 18-34, 1: 35-54, 2: 55+
    postal: np.ndarray
    postal_old: np.ndarray  # str, or None when the person never moved
    email: np.ndarray
    email_alt: np.ndarray  # str or None
    phone: np.ndarray  # ten digits, str
    consent_latent: np.ndarray  # (n, 3) uniforms shared by a person's records

    @property
    def n(self) -> int:
        return len(self.region)


def person_ids(index: np.ndarray) -> list[str]:
    return [f"P{i + 1:07d}" for i in index.tolist()]


def _choose_names(rng: np.random.Generator, pools: list[tuple[tuple[str, ...], float]],
                  mask_count: int) -> np.ndarray:
    """``mask_count`` names drawn first among pools (by weight), then Zipf within a pool."""
    weights = np.array([w for _, w in pools], dtype=float)
    which = rng.choice(len(pools), size=mask_count, p=weights / weights.sum())
    out = np.empty(mask_count, dtype=object)
    for k, (pool, _) in enumerate(pools):
        sel = np.flatnonzero(which == k)
        arr = np.array(pool, dtype=object)
        out[sel] = arr[rng.choice(len(pool), size=len(sel), p=_zipf(len(pool)))]
    return out


def _postal_codes(rng: np.random.Generator, region: np.ndarray) -> np.ndarray:
    n = len(region)
    fsa = np.empty(n, dtype=object)
    for r, pool in ((0, names.FSA_MONTREAL), (1, names.FSA_QUEBEC)):
        sel = np.flatnonzero(region == r)
        fsa[sel] = np.array(pool, dtype=object)[
            rng.choice(len(pool), size=len(sel), p=_zipf(len(pool), 0.5))]
    digits = rng.integers(0, 10, size=(n, 2))
    letters = np.array(list(names.POSTAL_LETTERS))[rng.integers(0, len(names.POSTAL_LETTERS), n)]
    return np.array([f"{f} {a}{b}{c}" for f, a, b, c in
                     zip(fsa.tolist(), digits[:, 0].tolist(), letters.tolist(),
                         digits[:, 1].tolist(), strict=True)], dtype=object)


def _emails(rng: np.random.Generator, given: np.ndarray, surname: np.ndarray,
            birth: np.ndarray, taken: set[str]) -> np.ndarray:
    n = len(given)
    pattern = rng.choice(6, size=n, p=[0.5, 0.15, 0.1, 0.12, 0.05, 0.08])
    domains = np.array([d for d, _ in names.EMAIL_DOMAINS], dtype=object)
    dweights = np.array([w for _, w in names.EMAIL_DOMAINS], dtype=float)
    domain = domains[rng.choice(len(domains), size=n, p=dweights / dweights.sum())]
    years = (birth.astype("datetime64[Y]").astype(int) + 1970) % 100
    out = np.empty(n, dtype=object)
    for i, (g, s, p, d, y) in enumerate(zip(given.tolist(), surname.tolist(), pattern.tolist(),
                                            domain.tolist(), years.tolist(), strict=True)):
        g, s = _email_part(g), _email_part(s)
        local = (f"{g}.{s}", f"{g[0]}{s}", f"{g}{s}", f"{g}.{s}{y:02d}", f"{g}_{s}",
                 f"{s}.{g}")[p]
        address, k = f"{local}@{d}", 1
        while address in taken:  # two Marie Tremblay never share a mailbox
            k += 1
            address = f"{local}{k}@{d}"
        taken.add(address)
        out[i] = address
    return out


def draw_people(rng: np.random.Generator, n: int) -> People:
    """``n`` true persons with their stable attributes (names, birth, home, contacts)."""
    region = (rng.random(n) < REGION_SHARES[1]).astype(np.int8)
    female = rng.random(n) < 0.52
    english = rng.random(n) < np.where(region == 0, 0.3, 0.05)
    given = np.empty(n, dtype=object)
    surname = np.empty(n, dtype=object)
    for eng in (False, True):
        for fem in (False, True):
            sel = np.flatnonzero((english == eng) & (female == fem))
            own = (names.GIVEN_EN_F if fem else names.GIVEN_EN_M) if eng else (
                names.GIVEN_FR_F if fem else names.GIVEN_FR_M)
            other = names.GIVEN_OTHER_F if fem else names.GIVEN_OTHER_M
            given[sel] = _choose_names(rng, [(own, 0.84), (other, 0.16)], len(sel))
        sel = np.flatnonzero(english == eng)
        pools = ([(names.SURNAMES_EN, 0.62), (names.SURNAMES_FR, 0.22), (names.SURNAMES_OTHER, 0.16)]
                 if eng else
                 [(names.SURNAMES_FR, 0.84), (names.SURNAMES_OTHER, 0.13), (names.SURNAMES_EN, 0.03)])
        surname[sel] = _choose_names(rng, pools, len(sel))
    band = rng.choice(len(_AGE_WEIGHTS), size=n, p=_AGE_WEIGHTS)
    age_days = (_AGE_EDGES[band] + rng.random(n) * (_AGE_EDGES[band + 1] - _AGE_EDGES[band])) * 365.25
    birth = REFERENCE_DAY - age_days.astype("timedelta64[D]")
    age_band = np.where(band <= 1, 0, np.where(band <= 3, 1, 2)).astype(np.int8)
    postal = _postal_codes(rng, region)
    moved = rng.random(n) < 0.1
    old = _postal_codes(rng, np.where(rng.random(n) < 0.85, region, 1 - region))
    postal_old = old.copy()
    postal_old[~moved] = None
    taken: set[str] = set()
    email = _emails(rng, given, surname, birth, taken)
    has_alt = np.flatnonzero(rng.random(n) < 0.15)
    email_alt = np.full(n, None, dtype=object)
    email_alt[has_alt] = _emails(rng, given[has_alt], surname[has_alt], birth[has_alt], taken)
    # Unique ten-digit numbers: an affine permutation of the person index over 8M local numbers.
    area = np.where(region == 0,
                    np.array([514, 438, 450])[rng.choice(3, n, p=[0.65, 0.2, 0.15])],
                    np.array([418, 581])[rng.choice(2, n, p=[0.8, 0.2])])
    mult = int(rng.integers(1_000, 3_999_999)) * 2 + 1
    while mult % 5 == 0:
        mult += 2
    local = (mult * np.arange(n, dtype=np.int64) + int(rng.integers(0, 8_000_000))) % 8_000_000
    phone = np.array([f"{a}{b + 2_000_000}" for a, b in zip(area.tolist(), local.tolist(),
                                                              strict=True)], dtype=object)
    return People(region=region, female=female, english=english, given=given, surname=surname,
                  birth=birth, age_band=age_band, postal=postal, postal_old=postal_old,
                  email=email, email_alt=email_alt, phone=phone,
                  consent_latent=rng.random((n, 3)))


def draw_memberships(rng: np.random.Generator, people: People) -> tuple[np.ndarray, float]:
    """Who is a patron of which member: a boolean matrix (people × ``MEMBERS``).

    Reach depends on region and age. The planted affinity: people who are patrons of
    ``AFFINITY_FROM`` are ``AFFINITY_LIFT`` times as likely as everyone else to be patrons of
    ``AFFINITY_TO``; the boost is calibrated on the drawn population so that the lift holds
    despite the regional and age make-up of each audience. Everyone is a patron somewhere:
    a person drawn for no member goes to one member other than those two. Returns the matrix
    and the calibrated boost factor.
    """
    n = people.n
    ids = [m.member_id for m in MEMBERS]
    reach = np.empty((n, len(MEMBERS)))
    for j, m in enumerate(MEMBERS):
        lift = np.array(m.age_lift)
        lift = lift / np.bincount(people.age_band, minlength=3).dot(lift) * n
        reach[:, j] = np.array(m.reach)[people.region] * lift[people.age_band]
    reach = np.clip(reach, 0.0, 0.95)
    member = rng.random((n, len(MEMBERS))) < reach
    a, b = ids.index(AFFINITY_FROM), ids.index(AFFINITY_TO)
    base = reach[:, b]
    from_mask = member[:, a]
    boost = 1.0
    if from_mask.any() and (~from_mask).any():
        boost = _calibrate_boost(base[from_mask], AFFINITY_LIFT * base[~from_mask].mean())
    p_to = np.where(from_mask, np.clip(base * boost, 0.0, _P_MAX), base)
    member[:, b] = rng.random(n) < p_to
    nobody = np.flatnonzero(~member.any(axis=1))
    others = [j for j in range(len(MEMBERS)) if j not in (a, b)]
    share = np.array([MEMBERS[j].ticket_share for j in others])
    pick = rng.choice(len(others), size=len(nobody), p=share / share.sum())
    member[nobody, np.array(others)[pick]] = True
    return member, boost


_P_MAX = 0.98


def _calibrate_boost(base: np.ndarray, target_mean: float) -> float:
    """The factor ``b`` with mean(min(base * b, _P_MAX)) = ``target_mean`` (bisection)."""
    lo, hi = 0.0, 1.0
    while np.minimum(base * hi, _P_MAX).mean() < target_mean and hi < 1e6:
        hi *= 2
    for _ in range(60):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if np.minimum(base * mid, _P_MAX).mean() < target_mean else (lo, mid)
    return (lo + hi) / 2


_KEYBOARD_NEIGHBOURS = {
    "a": "sqz", "e": "rzd", "i": "uol", "o": "ipl", "u": "yij", "n": "bm", "m": "n", "r": "et",
    "t": "ry", "s": "ad", "l": "ko", "c": "xv", "d": "sf", "g": "fh", "h": "gj",
}


def typo(rng: np.random.Generator, text: str) -> str:
    """``text`` with one realistic keying error: swapped, dropped, doubled or mistyped letter."""
    if len(text) < 4:
        return text
    pos = int(rng.integers(1, len(text) - 1))
    kind = int(rng.integers(0, 4))
    if kind == 0 and text[pos].isalpha() and text[pos + 1].isalpha():
        return text[:pos] + text[pos + 1] + text[pos] + text[pos + 2:]
    if kind == 1:
        return text[:pos] + text[pos + 1:]
    if kind == 2:
        return text[:pos] + text[pos] + text[pos:]
    near = _KEYBOARD_NEIGHBOURS.get(text[pos].lower())
    if near:
        return text[:pos] + near[int(rng.integers(0, len(near)))] + text[pos + 1:]
    return text[:pos] + text[pos + 1:]


def format_phone(digits: str, style: int) -> str:
    """A ten-digit North-American number in one of the ``PHONE_STYLES`` written forms."""
    a, b, c = digits[:3], digits[3:6], digits[6:]
    return (f"({a}) {b}-{c}", f"{a}-{b}-{c}", f"+1 {a} {b} {c}", f"{a}.{b}.{c}",
            f"{a}{b}{c}")[style]


@dataclass
class Records:
    """One member's customer records; ``person`` is the true identity of each."""

    person: np.ndarray  # int64 person index
    patron_id: np.ndarray  # object arrays of str (None = missing)
    first_name: np.ndarray
    last_name: np.ndarray
    email: np.ndarray
    phone: np.ndarray
    birth: np.ndarray  # datetime64[D], NaT when missing
    postal: np.ndarray
    language: np.ndarray
    consent: np.ndarray  # (n, 3) bool: pooling, marketing, personalization
    variations: dict[str, int]

    @property
    def n(self) -> int:
        return len(self.person)


def make_records(rng: np.random.Generator, spec: MemberSpec, people: People,
                 person: np.ndarray, duplicate_of: np.ndarray) -> Records:
    """Customer records of ``person`` (indices, one per record) at the member ``spec``.

    ``duplicate_of`` is True for a person's second record at this member; such records get
    independent variations and usually the other e-mail, as a second account would.
    """
    n = len(person)
    first = people.given[person].copy()
    last = people.surname[person].copy()
    counts = {k: 0 for k in ("nickname", "typo", "accents_dropped", "swapped_names",
                             "upper_case", "second_email", "email_case_or_space",
                             "moved_postal_code", "no_birth_date", "no_email", "no_phone")}

    def flagged(rate: float | np.ndarray) -> np.ndarray:
        return np.flatnonzero(rng.random(n) < rate)

    for i in flagged(0.1):
        nick = names.NICKNAMES.get(first[i])
        if nick:
            first[i] = nick[int(rng.integers(0, len(nick)))]
            counts["nickname"] += 1
    for i in flagged(0.025):
        if rng.random() < 0.5:
            first[i] = typo(rng, first[i])
        else:
            last[i] = typo(rng, last[i])
        counts["typo"] += 1
    for i in flagged(spec.accent_drop):
        f, s = fold_accents(first[i]), fold_accents(last[i])
        if (f, s) != (first[i], last[i]):
            first[i], last[i] = f, s
            counts["accents_dropped"] += 1
    swap = flagged(0.008)
    first[swap], last[swap] = last[swap], first[swap].copy()
    counts["swapped_names"] = len(swap)
    for i in flagged(0.03):
        last[i] = last[i].upper()
        counts["upper_case"] += 1

    email = people.email[person].copy()
    alt = people.email_alt[person]
    use_alt = np.flatnonzero((alt != None) & (rng.random(n) < np.where(duplicate_of, 0.8, 0.35)))  # noqa: E711
    email[use_alt] = alt[use_alt]
    counts["second_email"] = len(use_alt)
    for i in flagged(0.07):
        e = email[i]
        style = int(rng.integers(0, 4))
        email[i] = (e.upper(), f" {e}", f"{e} ", e[0].upper() + e[1:])[style]
        counts["email_case_or_space"] += 1
    no_email = flagged(0.03)
    email[no_email] = None
    counts["no_email"] = len(no_email)

    styles = rng.choice(PHONE_STYLES, size=n, p=np.array(spec.phone_styles))
    has_phone = rng.random(n) < spec.phone_rate
    phone = np.array([format_phone(d, s) if h else None for d, s, h in
                      zip(people.phone[person].tolist(), styles.tolist(), has_phone.tolist(),
                          strict=True)], dtype=object)
    counts["no_phone"] = int((~has_phone).sum())

    birth = people.birth[person].copy()
    missing_birth = rng.random(n) >= spec.birth_date_rate
    birth[missing_birth] = np.datetime64("NaT")
    counts["no_birth_date"] = int(missing_birth.sum())

    postal = people.postal[person].copy()
    old = people.postal_old[person]
    stale = np.flatnonzero((old != None) & (rng.random(n) < 0.5))  # noqa: E711
    postal[stale] = old[stale]
    counts["moved_postal_code"] = len(stale)
    for i in flagged(0.12):
        p = postal[i]
        postal[i] = p.replace(" ", "") if rng.random() < 0.8 else p.lower()

    language = np.where(people.english[person], "en", "fr").astype(object)
    language[flagged(0.04)] = None
    latent = people.consent_latent[person]
    fresh = rng.random((n, 3))
    own = rng.random((n, 3)) < 0.8  # a person's decisions mostly agree across members
    consent = np.where(own, latent, fresh) < np.array(spec.consent_rates)
    return Records(person=person, patron_id=np.empty(0, dtype=object), first_name=first,
                   last_name=last, email=email, phone=phone, birth=birth, postal=postal,
                   language=language, consent=consent, variations=counts)


def assign_patron_ids(rng: np.random.Generator, spec: MemberSpec, records: Records) -> None:
    """Give every record a customer id in the member's style (shuffled, not in person order)."""
    order = rng.permutation(records.n)
    style, start = spec.ids[0], spec.id_start[0]
    if "x" in style:  # hex ids: a bijective scramble so that they look random
        numbers = ((order.astype(np.int64) + 1) * 2_654_435_761) % (1 << 32)
    else:
        numbers = order.astype(np.int64) + start
    records.patron_id = np.array([style.format(v) for v in numbers.tolist()], dtype=object)
