"""Everything a user reads exists in French and English."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir

from culturecoop.i18n import catalog, gettext_in

SRC = Path(__file__).resolve().parents[1] / "src" / "culturecoop"


def source_messages() -> dict[str, str]:
    """Every string literal passed to `_()` (or to a view's translator `t()`) in the package,
    with where it is."""
    found: dict[str, str] = {}
    # Jinja templates of the dashboard use the same catalogs (`_()` in `{{ }}`).
    method_map = [("**.py", "python"), ("**/templates/**.html", "jinja2")]
    for filename, lineno, message, _comments, _context in extract_from_dir(
        str(SRC), method_map, keywords={"_": None, "t": None}
    ):
        if isinstance(message, str) and message:
            found.setdefault(message, f"{filename}:{lineno}")
    return found


def test_every_message_has_a_french_translation() -> None:
    french = catalog("fr")
    missing = {m: where for m, where in source_messages().items() if m not in french}
    assert not missing, "untranslated messages:\n" + "\n".join(f"{w}: {m}" for m, w in missing.items())


def test_translations_keep_placeholders() -> None:
    import string

    def fields(text: str) -> set[str]:
        return {f for _, f, _, _ in string.Formatter().parse(text) if f}

    french = catalog("fr")
    wrong = [m for m, t in french.items() if fields(m) != fields(t)]
    assert not wrong, f"placeholders differ between English and French: {wrong}"


def test_language_switch() -> None:
    assert gettext_in("Error", "fr") == "Erreur"
    assert gettext_in("Error", "en") == "Error"
