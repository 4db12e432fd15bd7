"""What must never show on a French page: English words that leaked before, and raw codes.

``LEAKS`` are English words and phrases seen on French pages (issue 11; "Pairs" is left out: "pairs" is French for peers) or likely to leak from
the reports (labels, codes, column names); ``raw_codes`` finds snake_case codes (``hip_hop``,
``same_fsa``, ``jazz_club``, ``new_patrons``) in a text. Words are matched whole.
"""

from __future__ import annotations

import re

LEAKS = (
    # seen on French pages before
    "Revenue per patron", "Share going elsewhere", "Significant pairs", "Strongest", "As of",
    "Sellout probability", "malformed line", "member jazz-dieze", "Lift vs rest",
    # codes a report returns, in English
    "electronic", "regulars", "fading", "nearby", "recency", "frequency", "monetary", "rising", "falling",
    "newcomers", "explorers", "occasional", "theatre", "classical", "unknown", "elsewhere",
    # words of the interface and of the reports' labels
    "Revenue", "Share", "Patrons", "patrons", "Tickets", "tickets", "Month", "Days", "Forecast", "Peers", "peers",
    "Average", "Significant", "Yes", "Cooperative", "cooperative", "Elsewhere", "Overlap", "Recency", "Frequency",
    "Spending", "Regulars", "Fading", "Newcomers", "Explorers", "Occasional", "Big spenders", "Classical",
    "Electronic", "Comedy", "World music", "Unknown", "Outside", "Area", "Glossary", "Sign out", "Account",
    "Download", "Show", "Period", "Event", "Events", "Audience", "Change", "Index", "Yours", "Label",
    "What it means", "Key figures", "Your", "your", "the", "and", "of", "with",
)
_LEAK_RE = re.compile(r"(?<![\w-])(" + "|".join(re.escape(w) for w in sorted(LEAKS, key=len, reverse=True)) + r")(?![\w-])")
_CODE_RE = re.compile(r"(?<![\w/.-])[a-z]+(?:_[a-z0-9]+)+(?![\w/.-])")
# Allowed on purpose: a CLI command shown to the reader, file names.
ALLOWED = {"culturecoop", "member-app.md"}


def leaks(text: str) -> list[str]:
    """English words of ``LEAKS`` found in a French text."""
    return sorted({m.group(1) for m in _LEAK_RE.finditer(text)})


def raw_codes(text: str) -> list[str]:
    """snake_case codes found in a text."""
    return sorted({m.group(0) for m in _CODE_RE.finditer(text)} - ALLOWED)
