"""Reading a JSON file that culturecoop wrote (a package manifest, a person's request, a lake's
manifest, synth's truth): every way its text can fail to be JSON is one exception, ``ValueError``.

``json.loads`` alone raises ``RecursionError`` for a value nested a few thousand levels deep and a
``ValueError`` of its own for a number of more than 4,300 digits: an edited or damaged file would
otherwise reach the user as an unexpected error rather than as the sentence of the file's reader.
"""

from __future__ import annotations

import json
from typing import Any


def parse(text: str | bytes) -> Any:
    """The JSON value of ``text``; ``ValueError`` when it is not JSON (malformed, bytes that are not
    UTF-8, nested deeper than Python follows, a number too long to convert)."""
    try:
        return json.loads(text)
    except RecursionError:
        raise ValueError("JSON nested too deeply") from None
