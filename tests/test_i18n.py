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


def test_a_message_has_one_french_translation_in_every_catalog() -> None:
    """« sent » was « envoyés » (messages, campaigns.po) and « envoyée » (a proposal, web.po): the catalogs
    are merged, so the campaign results read « envoyée 212 », and the campaigns' « Envoyés » column (a count)
    read the member app's « Envoyé » (a package sent). Two meanings need two message ids."""
    from babel.messages.pofile import read_po

    said: dict[str, dict[str, str]] = {}
    for path in sorted((SRC / "locale" / "fr" / "LC_MESSAGES").glob("*.po")):
        with path.open("rb") as f:
            for m in read_po(f):
                if m.id and isinstance(m.id, str) and m.string:
                    said.setdefault(m.id, {})[path.name] = str(m.string)
    twice = {msgid: where for msgid, where in said.items() if len(set(where.values())) > 1}
    assert not twice, f"one English message, several French ones: {twice}"


def test_translations_keep_placeholders() -> None:
    import string

    def fields(text: str) -> set[str]:
        return {f for _, f, _, _ in string.Formatter().parse(text) if f}

    french = catalog("fr")
    wrong = [m for m, t in french.items() if fields(m) != fields(t)]
    assert not wrong, f"placeholders differ between English and French: {wrong}"


def test_english_writes_the_percent_sign_against_its_number() -> None:
    """« 95 % » is French typography; an English reader reads « 95% CI », « more than 100% »."""
    import re

    spaced = {m: where for m, where in source_messages().items() if re.search(r"\d[ \u00a0\u202f]%", m)}
    assert not spaced, "English with a space before %:\n" + "\n".join(f"{w}: {m}" for m, w in spaced.items())


def test_language_switch() -> None:
    assert gettext_in("Error", "fr") == "Erreur"
    assert gettext_in("Error", "en") == "Error"


def test_a_service_message_shown_on_a_page_is_read_back_in_the_readers_language() -> None:
    """The web layer puts a service's sentence (formatted in English, a server's usual language) into a
    French reader's language by recognizing its catalog message: every message with fields comes
    back as its own translation, never claimed by a shorter message it merely ends or starts like
    ("{n} people", "{event_date}, {venue}."). (The dashboard then says command-line advice in its own
    words: ``web.i18n.retranslate``.)"""
    import string

    from culturecoop.i18n import retranslate

    wrong = []
    for msgid, msgstr in catalog("fr").items():
        parsed = list(string.Formatter().parse(msgid))
        fields = sorted({field for _literal, field, _spec, _conv in parsed if field is not None})
        if not fields or not all(f.isidentifier() for f in fields) or any(spec for _literal, field, spec, _conv in parsed if field):
            continue  # numbers with a format ("{seconds:.1f}") are written by the CLI, not read back
        values = {field: f"«value {n}»" for n, field in enumerate(fields)}
        english, french = msgid.format(**values), msgstr.format(**values)
        if retranslate(english, "fr") != french:
            wrong.append(msgid)
    assert not wrong, wrong[:10]


def test_a_label_inside_a_sentence_is_said_in_the_readers_language() -> None:
    """A service builds "The French body uses {x}…" with its field's label translated in the
    server's language; the French page then read « Le champ « French body » utilise … »."""
    from culturecoop.campaigns.content import check_template
    from culturecoop.errors import UserError
    from culturecoop.web.i18n import retranslate

    try:
        check_template("Bonjour {prenom}", "French body", 1000)
    except UserError as exc:
        english = exc.message
    else:
        raise AssertionError("an unknown placeholder was accepted")
    french = retranslate(english, "fr")
    assert "texte en français" in french and "French body" not in french, french
    assert retranslate(french, "en") == english


def test_a_number_inside_a_sentence_is_written_the_readers_way() -> None:
    """The « Ailleurs » tab of a French page read « (4557 personnes pendant la période) », and a
    sentence formatted in English and read back in French kept « 4,557 » — a decimal in French."""
    from culturecoop.analytics.wording import number
    from culturecoop.web.i18n import retranslate

    message = ("Your audience here: your patrons who agreed to pooling and are linked across members "
               "({n} people in the period).")
    english = message.format(n=number(4557, "en"))
    french = retranslate(english, "fr")
    assert "(4\u00a0557 personnes pendant la période)" in french, french
    assert retranslate(french, "en") == english
    # Decimals change their mark; a whole number written without grouping (a year, an id) stays.
    budget = "Differential-privacy noise was added to cross-member counts (ε = {epsilon} charged to your budget)."
    assert "(ε = 0,5 imputé" in retranslate(budget.format(epsilon="0.5"), "fr")
    period = "Cross-member figures use whole calendar months: {start} to {end}."
    assert "2026" in retranslate(period.format(start="2026", end="2027"), "fr")


def test_a_name_in_a_french_sentence_never_follows_a_de_that_cannot_elide() -> None:
    """« Les données de Orchestre symphonique… », « Vous recevez ce courriel de Orchestre… », « Les
    ventes de Aïda… »: French elides « de » before a vowel (« d’Aïda ») and contracts « de Le » and
    « à Le » into « du » and « au » (« Le Club Soda »), which a sentence cannot do for a name it does
    not know. A member's, an event's or a
    weight's name follows a colon, « pour », or comes in « » instead."""
    import re

    names = r"\{(member|name|title|event|partner|artist|venue|audience)\}"
    wrong = sorted(f for f in catalog("fr").values() if re.search(rf"(\b(de|que)|(^|\s)à) {names}", f))
    assert not wrong, "\n".join(wrong)


def test_messages_shown_on_pages_carry_no_markdown_backticks() -> None:
    """A page shows backticks as they are (« lancez `culturecoop link` »): the messages of the web
    layer, its templates and the services it shows (uploads) say a command in plain words."""
    web = [m for m, where in source_messages().items()
           if where.startswith("web/") or where.startswith("governance/uploads.py")]
    assert len(web) > 500
    shown = [m for m in web if "`" in m or "`" in gettext_in(m, "fr")]
    assert not shown, shown
