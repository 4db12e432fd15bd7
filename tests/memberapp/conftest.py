"""The member app's tests: each starts in the process's default language."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from culturecoop.i18n import set_language


@pytest.fixture(autouse=True)
def _language_reset() -> Iterator[None]:
    """The member app sets the process's language per request: not for the tests that follow."""
    yield
    set_language(None)
