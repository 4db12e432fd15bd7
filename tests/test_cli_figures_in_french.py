"""Figures in a French sentence are written the French way: « 1 491 événements », « en 0,4 s ».
`ingest`, `export-lake`, `synth` and `contribution shapley` wrote 1,491 and 0.4 with the English
separators inside their French sentences."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import SYNTH_TODAY
from conftest import run_cli_here as run_cli
from test_reports_support import tiny_cooperative


def _said(result: object) -> str:
    # Line breaks and spaces only: a no-break space (the French thousands separator) stays.
    return re.sub(r"[ \n\t]+", " ", result.stdout + result.stderr)  # type: ignore[attr-defined]


def test_synth_counts_and_seconds_in_french(tmp_path: Path) -> None:
    result = run_cli("synth", "--out", str(tmp_path / "s"), "--patrons", "300", "--today", SYNTH_TODAY, lang="fr")
    said = _said(result)
    assert result.returncode == 0, said
    found = re.search(r"(\d+(?:[\u00a0 ]\d{3})*) billets valides écrits en (\S+) s", said)
    assert found, said
    assert len(found.group(1)) > 3 and "," not in found.group(1), found.group(1)
    assert re.fullmatch(r"\d+,\d", found.group(2)), found.group(2)
    english = _said(run_cli("synth", "--out", str(tmp_path / "e"), "--patrons", "300", "--today", SYNTH_TODAY))
    assert re.search(r"\d,\d{3} valid tickets written in \d+\.\d s", english), english


def test_export_lake_seconds_in_french(tmp_path: Path) -> None:
    coop = tiny_cooperative(tmp_path / "coop.duckdb")
    said = _said(run_cli("export-lake", "--db", str(coop), "--lake", str(tmp_path / "lake"), lang="fr"))
    assert re.search(r"écrit en \d+,\d s", said), said
    # Its tables by their names, not their codes (« member 3, event 12… »).
    assert "Membres 3" in said and "Événements " in said and "Fiches clients reliées " in said, said
    assert not re.search(r"\b(?:member|event|ticket|identity|unnamed_sale) \d", said), said


def test_a_privacy_budget_in_french(tmp_path: Path) -> None:
    """« ε par publication : 0.5 ; budget : ε = 2.5 » in a French sentence: the decimal comma."""
    coop = tiny_cooperative(tmp_path / "coop.duckdb")
    changed = run_cli("privacy", "set", "--db", str(coop), "--epsilon", "0.5", "--budget", "2.5", "--noise", lang="fr")
    said = _said(changed)
    assert changed.returncode == 0, said
    assert "ε 0,5 par publication, budget 2,5 par" in said, said
    shown = _said(run_cli("privacy", "show", "--db", str(coop), lang="fr"))
    assert "ε par publication : 0,5 ; budget : ε = 2,5 par" in shown, shown
    english = _said(run_cli("privacy", "show", "--db", str(coop)))
    assert "ε per release: 0.5; budget: ε = 2.5 per" in english, english


def test_analytics_refresh_seconds_in_french(tmp_path: Path) -> None:
    """« Tables analytiques dérivées reconstruites en 0.4 s »: the decimal comma (prepare and
    campaigns send print their seconds the same way)."""
    coop = tiny_cooperative(tmp_path / "coop.duckdb")
    said = _said(run_cli("analytics-refresh", "--db", str(coop), lang="fr"))
    assert re.search(r"reconstruites en \d+,\d s", said), said


# A count of four digits or more written without its separator (« 35020 »), and an English decimal
# point between digits (« 13.88 s »). Years, dates (2026-11-30), identifiers (hex, paths with
# digits after a letter, a dash or a slash) are not counts.
_BARE_COUNT = re.compile(r"(?<![\w/.,:\-])(?!(?:19|20)\d\d\b)\d{4,}(?![\w/:\-])")
_ENGLISH_DECIMAL = re.compile(r"(?<![\w/.\-])\d+\.\d+(?![\w/\-])")


def test_a_whole_run_in_french_writes_every_count_the_french_way(tmp_path: Path) -> None:
    """synth → prepare → ingest → link → programme → train → link evaluate, in French: « Liés 35020
    dossiers… en 13.88 s » was what the demo's steps printed; every count and every second now reads
    « 35 020 », « 13,9 »."""
    import json

    def fr(*args: str) -> str:
        result = run_cli(*args, lang="fr")
        said = _said(result)
        assert result.returncode == 0, said
        return said

    out = tmp_path
    said = [fr("keys", "init", "--dir", str(out / "keys")),
            fr("synth", "--out", str(out / "exports"), "--patrons", "1200", "--seed", "3", "--today", SYNTH_TODAY)]
    members = json.loads((out / "exports" / "members.json").read_text(encoding="utf-8"))
    for m in members:
        said.append(fr("prepare", str(out / "exports" / m["file"]), "--member", m["member_id"], "--profile",
                       m["profile"], "--name", m["name"], "--kind", m["kind"], "--region", m["region"], "--keys",
                       str(out / "keys"), "--out", str(out / "packages" / m["member_id"]), "--rejects",
                       str(out / "rejects" / f"{m['member_id']}.csv")))
    db = str(out / "coop.duckdb")
    said.append(fr("ingest", *[str(out / "packages" / m["member_id"]) for m in members], "--db", db))
    said.append(fr("link", "--db", db))
    for m in members[:2]:
        said.append(fr("reco", "programme", str(out / "exports" / "programme" / f"{m['member_id']}.csv"), "--db", db,
                       "--member", m["member_id"]))
    said.append(fr("reco", "train", "--db", db))
    said.append(fr("link", "evaluate", "--synth", str(out / "exports"), "--db", db))
    text = "\n".join(line.replace(str(out), "DIR") for line in said)
    assert not _BARE_COUNT.findall(text), [text[max(0, m.start() - 60):m.end() + 20] for m in _BARE_COUNT.finditer(text)]
    assert not _ENGLISH_DECIMAL.findall(text), [text[max(0, m.start() - 60):m.end() + 20]
                                               for m in _ENGLISH_DECIMAL.finditer(text)]
    # Counts large enough to need the separator were written (the test would pass on small ones).
    assert re.search(r"\d[\u00a0\u202f ]\d{3}\b", text), text[:2000]
    # One of a thing is said in the singular (« 1 lignes de remboursement ont été appliquées » read before).
    assert not re.findall(r"(?<![\d\u00a0,])1 (?:lignes|clients|ventes|billets) ", text), text[:3000]
    assert "Une ligne de remboursement a été appliquée au billet qu’elle rembourse" in text, text[:3000]
    # The synthetic exports name every buyer: the package's rows list no door sales (« … 0 »).
    assert "Lignes du paquet" in text and "Ventes qui ne nomment personne" not in text, text[:3000]


# The services under the CLI write the counts of their own sentences — refusals, a drafted
# mapping's reasons — the French way too: « 1 234 », a no-break space between thousands.
_1234 = "1\u00a0234"


def test_a_drafted_mapping_counts_the_records_of_a_json_document_in_french(tmp_path: Path) -> None:
    """`mapping draft` of an API's answer saved as one JSON document: the reason for its format,
    in the table, the JSON and the mapping's YAML, read « ses 1234 enregistrements », now « 1 234 »."""
    import json

    export = tmp_path / "orders.json"
    export.write_text(json.dumps([{"order_id": f"O{n}", "email": f"p{n % 300}@exemple.ca", "event": f"Spectacle {n % 7}",
                                   "date": f"{1 + n % 28:02d}/{1 + n % 12:02d}/2026 20:00", "price": "25.00"}
                                  for n in range(1234)]), encoding="utf-8")
    result = run_cli("mapping", "draft", str(export), "--out", str(tmp_path / "m.yaml"), "--json", lang="fr")
    assert result.returncode == 0, _said(result)
    why = {d["key"]: d["why"] for d in json.loads(result.stdout)["decisions"]}
    assert f"un seul document JSON : ses {_1234} enregistrements sont lus" in why["format"], why
    # The YAML comment folds every run of white space into one space, the no-break one included.
    assert "ses 1 234 enregistrements sont lus" in (tmp_path / "m.yaml").read_text(encoding="utf-8")


# Refusals are read from the services themselves (quicker than a process each); the last test reads
# one on the terminal, as the command line prints it.


def _refusal(language: str, call: Callable[..., object], *args: object, **kwargs: object) -> str:
    """The one sentence ``call`` refuses with, in ``language``."""
    from culturecoop.errors import UserError
    from culturecoop.i18n import set_language

    set_language(language)
    with pytest.raises(UserError) as refused:
        call(*args, **kwargs)
    return refused.value.message


def test_an_interaction_log_refused_counts_the_rows_like_its_first_bad_one_in_french(tmp_path: Path) -> None:
    """`reco evaluate --interactions`: « log.csv ligne 2 : user_id est vide (et 1234 autres lignes de
    ce type) »; the count is « 1 234 », the line number stays as an editor shows it."""
    from culturecoop.reco.logs import read_interactions

    log = tmp_path / "log.csv"
    log.write_text("user_id,item_id,timestamp\n" + "".join(f",i{n % 7},2024-03-01T20:00\n" for n in range(1235)),
                   encoding="utf-8")
    message = _refusal("fr", read_interactions, log)
    assert "log.csv ligne 2 :" in message and f"(et {_1234} autres lignes de ce type)" in message, message


def test_a_programme_of_only_cancelled_events_counts_them_in_french_on_the_web_too(tmp_path: Path) -> None:
    """`reco programme` (and the web's upload, which reads the refusal back through retranslate):
    « ne liste que des événements annulés (1234) » is now « (1 234) », either way round."""
    from culturecoop.i18n import retranslate
    from culturecoop.reco.programme import read_programme

    season = tmp_path / "saison.csv"
    season.write_text("Titre;Date;Statut\n" + "".join(f"Spectacle {n};2027-03-01 20:00;Annulé\n" for n in range(1234)),
                      encoding="utf-8")
    french = _refusal("fr", read_programme, season)
    assert f"ne liste que des événements annulés ({_1234}) ;" in french, french
    english = _refusal("en", read_programme, season)
    assert "lists only cancelled events (1,234);" in english, english
    assert retranslate(english, "fr") == french
    assert retranslate(french, "en") == english


def test_a_consent_export_refused_for_its_blank_statuses_counts_them_in_french(tmp_path: Path) -> None:
    """prepare (or mapping check) of a newsletter tool's list whose statuses are mostly empty:
    « Rien n’a été écrit : 1,234 des 1,300 lignes » — English separators in a French sentence."""
    from culturecoop.ingest.consent_export import check_consent_export
    from culturecoop.ingest.profile import load_profile

    mapping = tmp_path / "m.yaml"
    mapping.write_text('name: audience\ndelimiter: ";"\ndatetime_formats: ["%d/%m/%Y %H:%M"]\ncolumns:\n'
                       "  email: EMAIL\n  first_name: PRENOM\n  last_name: NOM\n  consent_marketing: Statut\n"
                       "  consent_at: Date de modification\n", encoding="utf-8")
    source = tmp_path / "audience.csv"
    source.write_text("EMAIL;PRENOM;NOM;Statut;Date de modification\n"
                      + "".join(f"p{n}@exemple.ca;Léa;Nom{n};{'Opt-in' if n < 66 else ''};02/10/2026 09:00\n"
                                for n in range(1300)), encoding="utf-8")
    message = _refusal("fr", check_consent_export, source, load_profile(path=mapping))
    assert message.startswith(f"Rien n’a été écrit : {_1234} des 1\u00a0300 lignes de audience.csv"), message


def test_contribution_refuses_a_cooperative_too_large_counting_its_members_in_french(tmp_path: Path) -> None:
    """« cette coopérative en compte 1234 »: the members counted, « 1 234 »."""
    from culturecoop.governance.contribution import contributions
    from culturecoop.warehouse.engine import Warehouse
    from test_reports_support import insert

    with Warehouse(tiny_cooperative(tmp_path / "coop.duckdb"), create=False) as warehouse:
        insert(warehouse, "member", [(f"m{n:04d}", f"Membre {n}", "club", "Montréal") for n in range(1231)])
        message = _refusal("fr", contributions, warehouse)
    assert f"traite jusqu’à 62 membres ; cette coopérative en compte {_1234}." in message, message


def test_the_command_line_prints_a_refusals_count_the_french_way(tmp_path: Path) -> None:
    """What a reader of the terminal sees: the error printer showed every character
    ``str.isprintable()`` refuses as its escape, the no-break spaces of French numbers included
    (« 1\\xa0234 »); a space is now a space, a control character still an escape."""
    log = tmp_path / "log.csv"
    log.write_text("user_id,item_id,timestamp\n" + "".join(f",i{n % 7},2024-03-01T20:00\n" for n in range(1235)),
                   encoding="utf-8")
    held = tmp_path / "held.txt"
    held.write_text("i1\n", encoding="utf-8")
    result = run_cli("reco", "evaluate", "--interactions", str(log), "--test-items", str(held), "--no-lightfm", lang="fr")
    said = _said(result)
    assert result.returncode == 2, said
    assert f"(et {_1234} autres lignes de ce type)" in said, said


def test_a_french_figure_is_never_cut_at_the_terminal_edge() -> None:
    """« 59 % », « 12 345 » and « 4,4 fois » hold no-break spaces: at whatever width the terminal
    has, the console every command prints with wraps a sentence around them, never inside them."""
    from culturecoop.cli.app import console

    sentence = ("Écrire à tous ceux déjà venus chez le même membre (30\u00a0% des personnes) touchait 63\u00a0% de ceux qui "
                "sont venus ; la liste du modèle de même longueur, 59\u00a0% : 12\u202f345 venues, 4,4\u00a0fois plus.")
    for width in range(24, 100):
        with console.capture() as captured:
            console.print(sentence, width=width, highlight=False)
        lines = captured.get().splitlines()
        assert len(lines) > 1 or width > len(sentence), width
        assert not any(line.lstrip().startswith(("%", "345", "fois")) for line in lines), (width, lines)
        glued = " ".join(line.strip() for line in lines)
        for figure in ("30\u00a0%", "63\u00a0%", "59\u00a0%", "12\u202f345", "4,4\u00a0fois"):
            assert figure in glued, (width, figure, lines)
