"""What the cooperative's admin and a member read on the command line in French, command by command,
with the likely mistakes: a number written the French way (« --cap 0,4 » was refused as « il faut un
nombre »; « Un plafond de 0.2 … entre 0.3333 et 1 » echoed it the English way), English codes in the
privacy impact assessment (« pour given_name, surname… », « coop_admin 1 »), counts that disagree with
their noun (« 0 effacements », « +1,0 points », « Aucun des 1 dossiers »), a column's legend without
the French space before its colon, an amount a year before printed as a bare « 958,5 ».

Every command runs in process (``run_cli_here``) on one small cooperative built row by row."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

import pytest

from conftest import run_cli_here as run_cli
from test_reco_evaluate import _log  # a small log with a planted taste
from test_reports_support import insert, ticket_row, tiny_cooperative


def _said(result: object) -> str:
    return re.sub(r"[ \n\t]+", " ", result.stdout + result.stderr)  # type: ignore[attr-defined]


@pytest.fixture(scope="module")
def coop(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny cooperative (three members, sales in early 2025) and, for jazz-a, one show a year
    before, so that the overview has a month « un an plus tôt » to print."""
    from culturecoop.warehouse.engine import Warehouse

    db = tiny_cooperative(tmp_path_factory.mktemp("walk") / "coop.duckdb")
    with Warehouse(db) as w:
        insert(w, "event", [("jazz-a", "Z1", "Spectacle Z1", datetime(2024, 3, 1, 20), "Salle", "H2X", ["jazz"],
                             ["Artiste"], 100, True, "fr")])
        insert(w, "ticket", [ticket_row("jazz-a", f"Z{n}", f"J{n:03d}", "Z1", datetime(2024, 2, 1, 12), price=32.5)
                             for n in range(12)])
    return db


def test_a_number_option_reads_and_echoes_the_french_way(coop: Path) -> None:
    """`contribution rules --cap`: the refusal echoed « 0.2 » and asked for « entre 0.3333 et 1 »; the
    number as a French reader writes it (« 0,4 ») was refused. Any number option reads it now, and a
    comma before three digits (a thousand in English, one in French) is asked back, not guessed."""
    rules = ("contribution", "rules", "--db", str(coop), "--pool", "1000")
    refused = run_cli(*rules, "--cap", "0.2", lang="fr")
    assert refused.returncode == 2, _said(refused)
    assert "Un plafond de 0,2 ne permet pas" in _said(refused) and "--cap entre 0,3333 et 1." in _said(refused)
    assert "Error: A cap of 0.2 cannot share" in _said(run_cli(*rules, "--cap", "0.2"))
    written = run_cli(*rules, "--cap", "0,4", "--preferential-rate", "1,2", "--preferential-threshold", "0,2", lang="fr")
    assert written.returncode == 0, _said(written)
    ambiguous = run_cli(*rules, "--cap", "1,000", lang="fr")
    assert ambiguous.returncode == 2 and "--cap 1,000 se lit 1000 ou 1 ;" in _said(ambiguous), _said(ambiguous)
    # Another command's option, read the same way: the privacy budget.
    changed = run_cli("privacy", "set", "--db", str(coop), "--epsilon", "0,5", "--budget", "2,5", "--noise", lang="fr")
    assert changed.returncode == 0 and "ε 0,5 par publication, budget 2,5 par" in _said(changed), _said(changed)
    assert "il faut un nombre" in _said(run_cli(*rules, "--cap", "abc", lang="fr"))


def test_a_help_page_writes_its_numbers_as_the_option_reads_them() -> None:
    """`contribution rules --help` in French: « p. ex. 0.4 », « [par défaut : 1.0] »: the French way
    now, which the option reads as well."""
    shown = run_cli("contribution", "rules", "--help", lang="fr")
    said = " ".join(_said(shown).replace("│", " ").split())
    assert shown.returncode == 0, said
    assert "p. ex. 0,4" in said and "p. ex. 1,2" in said and "[par défaut : 1]" in said, said
    assert not re.search(r"\b(?:1\.0|0\.0|0\.4|1\.2|0\.2)\b(?!,)", said), said
    # An argument by a French name, on its usage line and when it is missing (« l’argument 'file' »).
    usage = " ".join(_said(run_cli("report", "--help", lang="fr")).replace("│", " ").split())
    assert "report [OPTIONS] {RAPPORT}" in usage and " RAPPORT <texte> Rapport :" in usage, usage
    assert "<liste[chemin]>" in " ".join(_said(run_cli("ingest", "--help", lang="fr")).replace("│", " ").split())
    missing = run_cli("prepare", lang="fr")
    assert missing.returncode == 2 and "Il manque l’argument 'FICHIER' ;" in _said(missing), _said(missing)


def test_a_share_written_as_a_percentage_is_asked_back_as_the_fraction(coop: Path) -> None:
    """`campaigns settings --holdout "30 %"` was « Valeur non valable pour '--holdout' : il faut un
    nombre »: which number, it did not say."""
    refused = run_cli("campaigns", "settings", "--db", str(coop), "--holdout", "30 %", lang="fr")
    assert refused.returncode == 2, _said(refused)
    assert "--holdout 30 % est un pourcentage ; donnez-le comme une part de 1, par exemple --holdout 0,3." in _said(refused)
    assert "e.g. --holdout 0.125." in _said(run_cli("campaigns", "settings", "--db", str(coop), "--holdout", "12.5%"))
    # A default quoted back in a refusal, the French way (« la valeur par défaut est 0.1 »).
    diversity = _said(run_cli("reco", "evaluate", "--interactions", str(coop), "--cutoff", "2024-06-01", "--diversity",
                              "1,5", lang="fr"))
    assert "--diversity doit être entre 0 (l’ordre du modèle) et 1 ; la valeur par défaut est 0,1." in diversity, diversity
    # The cooperative's own defaults, set by its admin: the same sentence (was « la valeur par défaut est 0.1 »).
    settings = _said(run_cli("reco", "settings", "--db", str(coop), "--diversity", "1,5", lang="fr"))
    assert "la valeur par défaut est 0,1." in settings, settings


def test_reco_ids_counts_the_tokens_it_could_not_map_back(tmp_path: Path, keys: Path) -> None:
    """« (0 jetons ne correspondent à aucun identifiant de l’export) », « (1 jetons ne correspondent …) »."""
    from culturecoop.privacy.encodings import member_id_tokens
    from culturecoop.privacy.keys import load_member_keys

    secret = load_member_keys(keys).linkage_secret
    known = [t for t in member_id_tokens(["C1", "C2"], "m1", secret) if t]
    export = tmp_path / "export.csv"
    export.write_text("patron_id,email\nC1,c1@exemple.ca\nC2,c2@exemple.ca\n", encoding="utf-8")
    said = {}
    for name, tokens in (("all", known), ("one-left", [*known, "f" * len(known[0])])):
        listing = tmp_path / f"{name}.csv"
        listing.write_text("member_patron_id\n" + "".join(f"{t}\n" for t in tokens), encoding="utf-8")
        result = run_cli("reco", "ids", str(listing), "--export", str(export), "--member", "m1", "--keys", str(keys),
                         "--out", str(tmp_path / f"{name}-ids.csv"), lang="fr")
        said[name] = _said(result)
        assert result.returncode == 0, said[name]
    assert "(chaque jeton correspond à un identifiant de l’export)" in said["all"], said["all"]
    assert "(1 jeton ne correspond à aucun identifiant de l’export)" in said["one-left"], said["one-left"]


def test_the_privacy_impact_assessment_names_fields_roles_and_counts_in_words(coop: Path, tmp_path: Path,
                                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CULTURECOOP_WALK_PASSWORD", "a long enough password")
    added = run_cli("users", "add", "admin@exemple.org", "--db", str(coop), "--role", "coop_admin",
                    "--password-env", "CULTURECOOP_WALK_PASSWORD", lang="fr")
    assert added.returncode == 0, _said(added)
    written = run_cli("governance", "pia", "--db", str(coop), "--out", str(tmp_path), "--no-pdf", lang="fr")
    assert written.returncode == 0, _said(written)
    french = (tmp_path / "pia.fr.md").read_text(encoding="utf-8")
    assert "filtres de Bloom de 1\u00a0024 bits" in french and "pour prénom, nom, date de naissance, code postal ;" in french
    assert "0 effacement à ce jour, 0 hachage à clé sur la liste" in french, french
    assert "Comptes actifs : Administrateur de la coopérative (1)." in french, french
    assert not re.search(r"given_name|birth_date|postcode|coop_admin", french), french
    english = (tmp_path / "pia.en.md").read_text(encoding="utf-8")
    assert "for given name, surname, birth date, postal code;" in english and "0 erasures so far" in english


def test_the_admins_accounts_and_contributions_are_said_in_words_and_days(coop: Path, tmp_path: Path,
                                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """`users list` and `users add` wrote the role's code (« member_admin »); `contribution shapley`
    « Contributions du 2025-01-01 au 2025-03-31 », « insight — total … », « jazz-a: 1,0 »; `contribution
    statements` without rules « pour la période du 2025-01-01 au 2025-03-31 »."""
    monkeypatch.setenv("CULTURECOOP_WALK_PASSWORD", "a long enough password")
    added = run_cli("users", "add", "membre@exemple.org", "--db", str(coop), "--role", "member_admin", "--member",
                    "jazz-a", "--password-env", "CULTURECOOP_WALK_PASSWORD", lang="fr")
    mistyped = run_cli("users", "add", "autre@exemple.org", "--db", str(coop), "--role", "member_admin", "--member",
                       "jaz-a", "--password-env", "CULTURECOOP_WALK_PASSWORD", lang="fr")
    no_member = run_cli("users", "add", "autre@exemple.org", "--db", str(coop), "--role", "member_analyst",
                        "--password-env", "CULTURECOOP_WALK_PASSWORD", lang="fr")
    assert "Compte membre@exemple.org créé (Administrateur du membre, jazz-a)." in _said(added), _said(added)
    # A mistyped member is said with the one meant, as a report says it (« Membre inconnu jaz-a ; ajoutez le
    # membre dans Administration »: no member to add, a letter missing).
    assert mistyped.returncode == 2, _said(mistyped)
    assert ("Il n’y a pas de membre jaz-a dans l’entrepôt. Vouliez-vous dire jazz-a ? "
            "Membres : festival-c, jazz-a, theatre-b.") in _said(mistyped), _said(mistyped)
    # « Un compte de membre a besoin d’un membre ; donnez l’identifiant du membre »: with which option, now.
    assert no_member.returncode == 2 and "nommez son membre avec --member, par exemple --member" in _said(no_member)
    listed = _said(run_cli("users", "list", "--db", str(coop), lang="fr"))
    assert "Administrateur du membre" in listed and "member_admin" not in listed, listed
    period = ("--from", "2025-01-01", "--to", "2025-03-31")
    shapley = run_cli("contribution", "shapley", "--db", str(coop), *period, lang="fr")
    said = _said(shapley)
    assert shapley.returncode == 0, said
    assert said.startswith("Contributions du 1er janvier 2025 au 31 mars 2025 (3 membres"), said
    assert "Chiffres publiés (insight) — total" in said and " jazz-a : " in said and "jazz-a:" not in said, said
    refused = _said(run_cli("contribution", "statements", "--db", str(coop), *period, "--out", str(tmp_path), lang="fr"))
    assert ("pour la période du 1er janvier 2025 au 31 mars 2025 ; fixez-les d’abord avec `culturecoop contribution "
            f"rules --db {coop} --pool MONTANT --from 2025-01-01 --to 2025-03-31`") in refused, refused
    # Then the rules, and the statements' total with its currency (« 900,00 répartis + 100,00 de frais »).
    assert run_cli("contribution", "rules", "--db", str(coop), *period, "--pool", "1 000", "--fees", "100", lang="fr").returncode == 0
    written = _said(run_cli("contribution", "statements", "--db", str(coop), *period, "--out", str(tmp_path / "st"),
                            "--no-pdf", lang="fr"))
    assert "3 relevés écrits dans" in written and ": 900,00 CAD répartis + 100,00 CAD de frais = 1\u00a0000,00 CAD." in written, written


def test_the_audit_log_is_shown_in_words(coop: Path) -> None:
    """`audit show` printed « 2026-12-07T08:52:39 · cli:root · * · release · campaign_sent »: each entry's
    moment, author, action and release are now in words (their codes stay in --json)."""
    from culturecoop.privacy import audit
    from culturecoop.warehouse.engine import Warehouse

    assert run_cli("privacy", "set", "--db", str(coop), "--k", "10", lang="fr").returncode == 0
    # The scene: a cross-member report released from the command line, as `report elsewhere` records it.
    with Warehouse(coop) as w, w.transaction() as con:
        audit.append(con, audit.AuditRecord("cli:root", "jazz-a", "release", "elsewhere", {}, 0.0, ("jazz-a", "theatre-b")))
    shown = run_cli("audit", "show", "--db", str(coop), "--last", "2", lang="fr")
    said = _said(shown)
    assert shown.returncode == 0, said
    assert "politique de confidentialité modifiée" in said and "exploitant de la coopérative" in said, said
    assert "tous les membres" in said and "chiffres publiés" in said and "Ailleurs" in said, said
    assert "ligne de commande (" in said, said
    assert not re.search(r"\d{4}-\d\d-\d\dT|\b(?:release|policy|operator|elsewhere)\b|cli:", said), said


def test_a_removal_names_its_tables_and_members_in_french(tmp_path: Path) -> None:
    """`retention apply` (and `erase`, which says its removal the same way): « lignes supprimées par
    table : patron 55, ticket 139, identity 55 » and « (festival-c: 15) »."""
    db = tiny_cooperative(tmp_path / "coop.duckdb")
    removed = run_cli("retention", "apply", "--db", str(db), "--as-of", "2030-01-01", lang="fr")
    said = _said(removed)
    assert removed.returncode == 0, said
    assert "lignes supprimées par table : Clients " in said and "Billets " in said and "Fiches clients reliées " in said
    assert "festival-c : " in said and not re.search(r"\b(?:patron|ticket|identity|consent) \d", said), said


def test_a_truth_file_that_matches_nothing_is_said_with_its_count(tmp_path: Path) -> None:
    """`link evaluate --synth`: « Aucun des 1 dossiers du fichier de vérité » for one record, « Aucun
    des 0 dossiers » for a truth file that lists none."""
    from culturecoop.errors import UserError
    from culturecoop.i18n import set_language
    from culturecoop.linkage.evaluate import identity_quality
    from culturecoop.warehouse.engine import Warehouse

    def refusal(truth: dict[str, dict[str, str]], language: str) -> str:
        set_language(language)
        with Warehouse(tiny_db) as w, pytest.raises(UserError) as refused:
            identity_quality(w, truth)
        return refused.value.message

    tiny_db = tiny_cooperative(tmp_path / "coop.duckdb")
    try:
        assert refusal({"jazz-a": {"nobody": "1"}}, "fr").startswith("L’unique dossier du fichier de vérité n’a pas")
        assert refusal({"jazz-a": {"x": "1", "y": "2"}}, "fr").startswith("Aucun des 2 dossiers du fichier de vérité")
        assert refusal({}, "fr").startswith("Le fichier de vérité ne liste aucun dossier ;")
        assert refusal({"jazz-a": {"x": "1"}}, "en").startswith("The only record of the truth file has no identity")
    finally:
        set_language(None)


def test_a_report_legend_and_an_amount_a_year_before_in_french(coop: Path) -> None:
    said = run_cli("report", "overview", "--db", str(coop), "--member", "jazz-a", "--from", "2025-01-01",
                   "--to", "2025-03-31", lang="fr")
    text = said.stdout + said.stderr
    assert said.returncode == 0, text
    # « Chiffre: Ce que compte… »: French sets a space before the colon.
    assert "  Chiffre : " in text and "  Recettes un an plus tôt : " in text, text
    assert not re.search(r"^  \S[^:\n]*\S: ", text, re.M), text
    # The month's legend said what --json holds (« (AAAA-MM) ») though the table says « mars 2025 ».
    assert "  Mois : Mois des événements\n" in text, text
    # 12 tickets at 32,50 $ in March 2024: « 390 » beside « 1 234,50 $ » before.
    # (The months' table is printed in two parts; the year before is in the last.)
    march = [line for line in text.splitlines() if line.startswith("│ mars 2025")][-1]
    assert march.rstrip(" │").endswith("390,00\u00a0$"), march


def test_reco_evaluate_in_french_says_its_interval_as_the_glossary_and_its_points_agree(tmp_path: Path) -> None:
    """« IC à 95 % » beside the glossary's « IC 95 % »; « ALS: Tous les éléments… »; « plancher +12 points »
    and « (+0,4 points) » whatever the figure."""
    log, items = _log(tmp_path)
    result = run_cli("reco", "evaluate", "--interactions", str(log), "--items", str(items), "--cutoff", "2024-06-01",
                     "--no-lightfm", lang="fr")
    said = _said(result)
    assert result.returncode == 0, said
    assert "IC 95 %" in said and "IC à 95" not in said, said
    assert "ALS : " in said and "ALS: " not in said, said
    told = re.findall(r"([+−-]?\d+(?:,\d+)?) (points?)\b", said)
    assert told, said
    for value, noun in told:
        assert (noun == "point") == (abs(float(value.replace(",", ".").replace("−", "-"))) < 2), (value, noun, said)


@pytest.mark.parametrize(("given", "hint"), [
    ("Théâtre B", "Vouliez-vous dire theatre-b (Théâtre B) ?"),
    ("theatre b", "Vouliez-vous dire theatre-b (Théâtre B) ?"),
    ("Le Théâtre B", "Vouliez-vous dire theatre-b (Théâtre B) ?"),
    ("THEATRE-B", "Vouliez-vous dire theatre-b (Théâtre B) ?"),
    ("jazz a", "Vouliez-vous dire jazz-a (Jazz A) ?"),
    ("festival-cc", "Vouliez-vous dire festival-c ?"),
])
def test_a_member_named_by_its_name_is_told_its_identifier(coop: Path, given: str, hint: str) -> None:
    """Staff know their venue by its name: « --member "Théâtre B" » was « Il n’y a pas de membre Théâtre B dans
    l’entrepôt » beside a list of identifiers, or a refusal naming no member at all (an audience, a programme)."""
    for command in (("report", "overview", "--db", str(coop), "--member", given),
                    ("audiences", "list", "--db", str(coop), "--member", given)):
        refused = run_cli(*command, lang="fr")
        said = _said(refused)
        assert refused.returncode != 0, said
        assert f"Il n’y a pas de membre {given} dans l’entrepôt. {hint} Membres : festival-c, jazz-a, theatre-b." in said, said


def test_a_mistyped_command_is_said_in_french_with_the_one_meant() -> None:
    """« Erreur : No such command 'statement'. Did you mean 'statements'? ; voyez … » mixed English and a « ? ; »."""
    refused = run_cli("contribution", "statement", lang="fr")
    said = _said(refused)
    assert refused.returncode == 2, said
    assert ("La commande 'statement' n’existe pas. Vouliez-vous dire 'statements' ? "
            "Voyez `culturecoop contribution --help` pour savoir comment l’appeler.") in said, said
    assert "Did you mean" not in said and "? ;" not in said


def test_several_commands_meant_are_said_as_choices_with_or() -> None:
    """Typer lists its guesses with commas only (« Vouliez-vous dire 'report', 'prepare', 'reco' ? »):
    the last one comes after « ou » ("or"), in either language; Click's other refusals are in French."""
    french = _said(run_cli("reprot", lang="fr"))
    assert "Vouliez-vous dire 'report', 'prepare' ou 'reco' ? " in french, french
    english = _said(run_cli("reprot"))
    assert "Did you mean 'report', 'prepare' or 'reco'? " in english, english
    missing = _said(run_cli("report", "overview", "--db", "coop.duckdb", lang="fr"))
    assert "Erreur : Il manque l’option '--member' ; voyez `culturecoop report --help`" in missing, missing
    unknown = _said(run_cli("audit", "show", "--db", "coop.duckdb", "--lsat", "3", lang="fr"))
    assert "L’option --lsat n’existe pas (options proches : --last)" in unknown, unknown


def test_a_sales_pace_refused_for_its_end_date_names_the_option_to_change(coop: Path) -> None:
    """`report pace` said « choisissez une date de fin antérieure », the dashboard's words: on the command
    line the end of the period is --to, and the refusal says so, with a day that works."""
    pace = ("report", "pace", "--db", str(coop), "--member", "jazz-a")
    started = run_cli(*pace, "--event", "A1", lang="fr")
    said = _said(started)
    assert started.returncode == 2, said
    assert ("L’événement A1 a eu lieu le 10 janvier 2025, au plus tard le dernier jour de la période (31 mars 2025, --to) ; "
            "donnez à --to un jour antérieur, comme --to 2025-01-09,") in said, said
    assert run_cli(*pace, "--event", "A1", "--to", "2025-01-09").returncode == 0  # the day it proposes
    after = _said(run_cli(*pace, "--to", "2025-12-31"))
    assert ("Member jazz-a has no event after December 31, 2025, the last day of the period (--to), so there is no sales "
            "pace to show; give --to a day before one of its events") in after, after


def test_the_budget_period_is_read_and_said_in_words(coop: Path) -> None:
    """`privacy set --period` took only the codes month, quarter, year (« trimestre » was refused with
    « use month, quarter or year »), and `privacy show` gave the period as two days only: the period is
    read as a person types it, in French or English, and the current one is named."""
    from datetime import UTC, datetime

    for given, said in (("trimestre", "par trimestre"), ("Par année", "par année"), ("mensuel", "par mois"),
                        ("quarterly", "par trimestre")):
        changed = run_cli("privacy", "set", "--db", str(coop), "--period", given, lang="fr")
        assert changed.returncode == 0 and said in _said(changed), (given, _said(changed))
    today = datetime.now(UTC).date()
    quarter = (today.month - 1) // 3 + 1
    named = "1er trimestre" if quarter == 1 else f"{quarter}e trimestre"
    shown = _said(run_cli("privacy", "show", "--db", str(coop), "--member", "jazz-a", lang="fr"))
    assert f" ce trimestre ({named} {today.year}), du 1er " in shown, shown
    english = _said(run_cli("privacy", "show", "--db", str(coop), "--member", "jazz-a"))
    assert f" this quarter (Q{quarter} {today.year}), from " in english, english
    refused = run_cli("privacy", "set", "--db", str(coop), "--period", "semaine", lang="fr")
    assert refused.returncode == 2, _said(refused)
    assert ("--period semaine n’est pas une période de budget ; donnez mois, trimestre ou année "
            "(par mois, par trimestre ou par année), p. ex. --period trimestre.") in _said(refused)


def test_a_setting_of_a_thousand_or_more_is_grouped_as_every_figure(coop: Path) -> None:
    """The privacy gate echoed « Un budget ε de 1000,5 », « k = 1500 » ungrouped in French, and a setting of
    a million as « 1,23457e+06 »: a setting's figure is grouped as the rest of the product writes numbers."""
    refused = _said(run_cli("privacy", "set", "--db", str(coop), "--budget", "1000,5", lang="fr"))
    assert "Un budget ε de 1\u00a0000,5 par période ne protège personne ; donnez 100 ou moins" in refused, refused
    assert "An ε budget of 1,000.5 per period" in _said(run_cli("privacy", "set", "--db", str(coop), "--budget", "1000.5"))
    changed = _said(run_cli("privacy", "set", "--db", str(coop), "--k", "1500", lang="fr"))
    assert "k = 1\u00a0500, bruit" in changed, changed
    assert "k = 10, bruit" in _said(run_cli("privacy", "set", "--db", str(coop), "--k", "10", lang="fr"))
    huge = _said(run_cli("privacy", "set", "--db", str(coop), "--epsilon", "1234567", lang="fr"))
    assert "(1\u00a0234\u00a0567)" in huge and "e+06" not in huge, huge


def test_a_choice_is_read_by_its_name_and_the_gates_threshold_is_grouped(coop: Path) -> None:
    """`--segment` took only its codes (« big_spenders »; « Gros acheteurs », the dashboard's name, was « Segment
    inconnu »), its help listed the codes; the gate's « < k » was printed « < 1500 »; French weights
    « insight=0,5,linkage=0,3 » were cut at each comma (« 5 n’est pas une fonction de valeur »)."""
    assert run_cli("privacy", "set", "--db", str(coop), "--k", "1500").returncode == 0
    try:
        built = run_cli("audiences", "create", "--db", str(coop), "--member", "jazz-a", "--name", "Gros",
                        "--segment", "gros acheteurs", lang="fr")
        said = _said(built)
        assert built.returncode == 0, said
        assert "Habitudes : Gros acheteurs < 1\u00a0500, " in said and "< 1500" not in said, said
        listed = _said(run_cli("audiences", "list", "--db", str(coop), "--member", "jazz-a", lang="fr"))
        assert "< 1\u00a0500" in listed and "< 1500" not in listed, listed
    finally:
        run_cli("privacy", "set", "--db", str(coop), "--k", "10")
    helped = " ".join(_said(run_cli("audiences", "create", "--help", lang="fr")).replace("│", " ").split())
    assert "habitués, explorateurs, gros acheteurs, nouveaux venus" in helped, helped
    # A time option says the form it reads (it said « Heure d’envoi au plus tôt, en UTC » and no more).
    campaign = " ".join(_said(run_cli("campaigns", "create", "--help", lang="fr")).replace("│", " ").split())
    assert "en UTC, p. ex. 2026-12-01T09:00 (par défaut : maintenant)" in campaign, campaign
    weights = run_cli("contribution", "rules", "--db", str(coop), "--pool", "1000",
                      "--weights", "insight=0,5,linkage=0,3,conversions=0,2", lang="fr")
    assert weights.returncode == 0, _said(weights)
