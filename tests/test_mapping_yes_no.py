"""Yes/no words a mapping gives: a word in both lists, or one that says the opposite of what it
means everywhere else, is refused. Read as written, `true_values: ["false"]` gave the pooling,
marketing and personalization consent of all 338 patrons of an export that gave 300, 149 and 91."""

from __future__ import annotations

from pathlib import Path

import pytest

from culturecoop.errors import UserError
from culturecoop.ingest.profile import load_profile

CANONICAL = Path(__file__).resolve().parents[1] / "src" / "culturecoop" / "ingest" / "profiles" / "canonical.yaml"


def _mapping(tmp_path: Path, extra: str) -> Path:
    path = tmp_path / "mapping.yaml"
    path.write_text(CANONICAL.read_text(encoding="utf-8") + "\n" + extra + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(("extra", "said"), [
    ('true_values: ["true", "false"]\nfalse_values: ["false"]', 'the word "false" is in both true_values and false_values'),
    ('true_values: ["Non"]', 'true_values lists "Non", which means no'),
    ('false_values: ["yes"]', 'false_values lists "yes", which means yes'),
])
def test_a_yes_that_means_no_is_refused(tmp_path: Path, extra: str, said: str) -> None:
    with pytest.raises(UserError) as refused:
        load_profile(path=_mapping(tmp_path, extra))
    assert said in str(refused.value), str(refused.value)


def test_a_mark_may_mean_no_in_a_list_kept_by_hand(tmp_path: Path) -> None:
    # « Désabonné : x »: a mark, not a word, may mean either.
    profile = load_profile(path=_mapping(tmp_path, 'false_values: ["x"]\ntrue_values: ["abonné"]'))
    assert profile.false_values == ("x",) and profile.true_values == ("abonné",)
