"""What a form of the member app leaves to show once it is answered (post/redirect/get).

Every form is answered by a redirect to a page, never by a page: reloading that page reads it again
instead of sending the form again (the browser's « send the form again? » after a refused « Prepare »,
a second fetch of recommendations, a second audit entry at the cooperative). What the page must show
— the sentence that refused the form and what was typed in it, a notice, a list found — is kept here
under a key the redirect's address carries (``?said=KEY``), so that the page shows it as often as it
is reloaded. Kept in memory for this run of the app only (the last ``MOST_KEPT``): it may hold what
the member typed and patrons' e-mails, which no file should keep.
"""

from __future__ import annotations

import secrets
from collections import OrderedDict
from typing import Any

MOST_KEPT = 32
PARAMETER = "said"


class Outcomes:
    """Forms' outcomes by key, the oldest forgotten first."""

    def __init__(self, most: int = MOST_KEPT) -> None:
        self._kept: OrderedDict[str, dict[str, Any]] = OrderedDict()
        self._most = most

    def keep(self, outcome: dict[str, Any]) -> str:
        """Keep ``outcome`` and return its key."""
        key = secrets.token_urlsafe(9)
        self._kept[key] = outcome
        while len(self._kept) > self._most:
            self._kept.popitem(last=False)
        return key

    def get(self, key: str | None) -> dict[str, Any] | None:
        """The outcome kept under ``key``, or None (an unknown or forgotten key: the page as it is)."""
        return self._kept.get(key) if key else None

    def forget(self) -> None:
        """Forget every outcome (an export deleted: the lists it found must not be shown again)."""
        self._kept.clear()

    def address(self, path: str, outcome: dict[str, Any], fragment: str = "") -> str:
        """``path`` with the key of ``outcome`` (kept), then ``#fragment``."""
        return f"{path}?{PARAMETER}={self.keep(outcome)}" + (f"#{fragment}" if fragment else "")
