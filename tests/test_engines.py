"""Every report on DuckDB and on a local Spark session over the same data: the same results.

Tests take an ``engine_name`` through ``on_engines`` (as Splink's dialect decorator does): each
runs once per engine. DuckDB is the reference; a known Spark gap would be declared with
``xfail={"spark": TheExceptionItRaises}`` so that it shows in every run and fails loudly once
fixed. Spark tests share one session (``local[2]``, no UI, two shuffle partitions) and carry the
``slow`` mark and ``spark`` in their ids: ``pytest -m "not slow"`` or ``-k "not spark"`` leaves
them out.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import run_cli
from culturecoop.analytics import REPORTS, ReportResult, run_report
from culturecoop.analytics.facts import refresh_facts
from culturecoop.errors import UserError
from culturecoop.privacy.gate import PrivacyPolicy
from culturecoop.warehouse.engine import Warehouse
from culturecoop.warehouse.lake import export_lake
from culturecoop.warehouse.sql_engine import (
    DuckDBEngine,
    SparkEngine,
    SqlEngine,
    parameter_names,
    spark_session,
    to_spark_sql,
)
from test_reports_support import tiny_cooperative

# The mark Spark tests carry (the slow mark until a `spark` mark is registered in pyproject).
SPARK_MARK = pytest.mark.spark
Q1 = {"from": "2025-01-01", "to": "2025-03-31"}
# Who asks: pace also for a member without an upcoming event (the same sentence on both engines).
MEMBERS = {name: ("jazz-a", "theatre-b") if name == "pace" else ("theatre-b",) if spec.pooled else ("jazz-a",)
           for name, spec in REPORTS.items()}


def on_engines(*engines: str, xfail: dict[str, type[BaseException]] | None = None) -> pytest.MarkDecorator:
    """Run the decorated test once per engine; a known gap is an xfail with its exception."""
    params = []
    for name in engines:
        marks: list[pytest.MarkDecorator] = [SPARK_MARK] if name == "spark" else []
        if xfail and name in xfail:
            marks.append(pytest.mark.xfail(raises=xfail[name], strict=True, reason=f"known {name} gap"))
        params.append(pytest.param(name, marks=marks, id=name))
    return pytest.mark.parametrize("engine_name", params)


@pytest.fixture(scope="session")
def spark() -> Iterator[Any]:
    # The JVM runs a few hundred small queries for a few minutes: compiled by the quick compiler
    # alone, with one garbage-collector thread, it spends half the CPU (the optimizing compiler
    # pays back only on long jobs; the answers do not depend on how the JVM compiles Spark).
    with pytest.MonkeyPatch.context() as env:
        env.setenv("PYSPARK_SUBMIT_ARGS", "--driver-java-options '-XX:TieredStopAtLevel=1 -XX:+UseSerialGC' pyspark-shell")
        session = spark_session("local[2]")
    session.conf.set("spark.sql.shuffle.partitions", "2")
    # The tiny cooperative's queries spend more time being compiled and re-planned than run:
    # without whole-stage code generation and adaptive re-planning, the same answers in 80 % of
    # the time; with expressions interpreted rather than compiled to Java, a fifth less CPU again
    # (the answers do not depend on how Spark executes a plan).
    session.conf.set("spark.sql.codegen.wholeStage", "false")
    session.conf.set("spark.sql.adaptive.enabled", "false")
    session.conf.set("spark.sql.codegen.factoryMode", "NO_CODEGEN")
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.fixture(scope="module")
def cooperative(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The tiny cooperative, its lake, and one gate state per engine (fresh memories)."""
    root = tmp_path_factory.mktemp("engines")
    db = tiny_cooperative(root / "data.duckdb")
    with Warehouse(db) as w:
        export_lake(w, root / "lake")
    for name in ("duckdb", "spark", "reference"):
        shutil.copy(db, root / f"state-{name}.duckdb")
    return {"db": db, "lake": root / "lake", "root": root}


_engines: dict[str, SqlEngine] = {}


@pytest.fixture
def engine(engine_name: str, cooperative: dict[str, Path], request: pytest.FixtureRequest) -> Iterator[tuple[SqlEngine, Warehouse]]:
    state = Warehouse(cooperative["root"] / f"state-{engine_name}.duckdb", create=True)
    if engine_name == "spark":
        session = request.getfixturevalue("spark")
        if "spark" not in _engines or getattr(_engines["spark"], "spark", None) is not session:
            _engines["spark"] = SparkEngine(cooperative["lake"], session=session)
        yield _engines["spark"], state
    else:
        yield DuckDBEngine(state), state
    state.close()


@pytest.fixture(scope="module")
def reference(cooperative: dict[str, Path]) -> Iterator[dict[tuple[str, str], dict[str, Any]]]:
    """DuckDB's answers, computed once on their own gate state."""
    results: dict[tuple[str, str], dict[str, Any]] = {}
    with Warehouse(cooperative["root"] / "state-reference.duckdb", create=True) as w:
        for name in REPORTS:
            for member in MEMBERS[name]:
                results[(name, member)] = answer(name, w, member, w, "reference")
    yield results


def params_for(name: str) -> dict[str, str]:
    return {"to": "2025-03-31", "from": "2025-01-01"} if name == "pace" else Q1


def comparable(result: ReportResult) -> dict[str, Any]:
    return {"tables": {t.name: t.rows for t in result.tables}, "summary": result.summary,
            "released": {n: (t.rows, t.total) for n, t in result.released.items()}, "params": result.params}


def answer(report: str, engine: SqlEngine | Warehouse, member: str, state: Warehouse, actor: str) -> dict[str, Any]:
    """A report's figures, or the one sentence it answered instead (the same on every engine)."""
    try:
        return comparable(run_report(report, engine, member, params_for(report), warehouse=state, actor=actor))
    except UserError as exc:
        return {"error": exc.message}


@on_engines("duckdb", "spark")
@pytest.mark.parametrize("report", list(REPORTS))
def test_every_report_gives_the_same_results(report: str, engine_name: str, engine: tuple[SqlEngine, Warehouse],
                                             reference: dict[tuple[str, str], dict[str, Any]]) -> None:
    sql_engine, state = engine
    for member in MEMBERS[report]:
        got = answer(report, sql_engine, member, state, engine_name)
        assert got == reference[(report, member)], (report, member)


@on_engines("duckdb", "spark")
def test_noisy_benchmark_runs_with_capped_contributions(engine_name: str, engine: tuple[SqlEngine, Warehouse]) -> None:
    sql_engine, state = engine
    policy = PrivacyPolicy(min_patrons=2, noise=True, epsilon_per_release=1.0, epsilon_budget=100.0)
    result = run_report("benchmark", sql_engine, "jazz-a", Q1, policy, warehouse=state)
    assert result.epsilon_spent == 1.0 and result.rows[0]["yours"] == 29


@on_engines("duckdb", "spark")
def test_parameters_are_bound_as_values_not_sql(engine_name: str, engine: tuple[SqlEngine, Warehouse]) -> None:
    sql_engine, _state = engine
    refresh_facts(sql_engine)
    hostile = "jazz-a' OR '1'='1"
    rows = sql_engine.rows("SELECT count(*) AS n FROM member WHERE member_id = $member", {"member": hostile})
    assert rows == [{"n": 0}]
    assert sql_engine.rows("SELECT count(*) AS n FROM member WHERE member_id = $member", {"member": "jazz-a"}) == [{"n": 1}]


def test_spark_sql_drops_frames_on_row_number_and_binds_literals() -> None:
    sql = to_spark_sql(
        "SELECT row_number() OVER (PARTITION BY a ORDER BY b ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS r, "
        "sum(x) OVER (ORDER BY b ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) AS s FROM t WHERE d >= $day AND m = $m",
        {"day": __import__("datetime").date(2025, 1, 31), "m": "l'été"},
    )
    assert "ROW_NUMBER() OVER (PARTITION BY a ORDER BY b NULLS LAST) AS r" in sql
    assert "ROWS BETWEEN 1 PRECEDING AND CURRENT ROW" in sql  # other windows keep their frames
    assert "CAST('2025-01-31' AS DATE)" in sql and "'l\\'été'" in sql


def test_export_lake_cli(tmp_path: Path) -> None:
    db = tiny_cooperative(tmp_path / "w.duckdb")
    result = run_cli("export-lake", "--db", str(db), "--lake", str(tmp_path / "lake"), "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["tables"]["ticket"] == 104
    assert (tmp_path / "lake" / "ticket" / "part-0.parquet").is_file()
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "notes.txt").write_text("keep me")
    refused = run_cli("export-lake", "--db", str(db), "--lake", str(tmp_path / "other"))
    assert refused.returncode == 2 and "is not a culturecoop lake" in refused.stderr
    assert (tmp_path / "other" / "notes.txt").read_text() == "keep me"


def test_a_spark_report_prints_its_answer_not_sparks_log(tmp_path: Path) -> None:
    # Spark's defaults wrote its warnings (« WARN Utils: Your hostname, vm, resolves to a loopback
    # address… », « WARN NativeCodeLoader… ») and a progress bar per stage (« [Stage 0:>  (0 + 1) / 1] »)
    # around the report; the driver also listened on the machine's network address.
    db = tiny_cooperative(tmp_path / "w.duckdb")
    assert run_cli("export-lake", "--db", str(db), "--lake", str(tmp_path / "lake")).returncode == 0
    result = run_cli("report", "overview", "--db", str(db), "--member", "jazz-a", "--engine", "spark",
                     "--lake", str(tmp_path / "lake"), "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["report"] == "overview"
    assert " WARN " not in result.stderr and "[Stage" not in result.stderr, result.stderr


def test_spark_engine_needs_a_lake(tmp_path: Path) -> None:
    db = tiny_cooperative(tmp_path / "w.duckdb")
    result = run_cli("report", "overview", "--db", str(db), "--member", "jazz-a", "--engine", "spark",
                     "--lake", str(tmp_path / "nowhere"))
    assert result.returncode == 2 and "is not a culturecoop lake" in result.stderr
    result = run_cli("report", "overview", "--db", str(db), "--member", "jazz-a", "--engine", "spark")
    assert result.returncode == 2 and "give --lake DIR" in result.stderr


@pytest.mark.parametrize("sql", [
    "SELECT count(*) FROM ticket WHERE member_id = $member AND purchased_at < $end",
    "SELECT '$not_a_parameter' AS a, 'it''s $still_text' AS b FROM t WHERE x = $real",
    'SELECT "Prix $" AS "prix$total" FROM t WHERE y = $y -- $in_a_comment',
    "SELECT a /* $in_a block\n comment */ FROM t WHERE regexp_full_match(c, '[A-Z]{3}$') AND z = $z_2",
    "SELECT $amount::DECIMAL(18,4), list_position($keys, x) FROM t WHERE d BETWEEN $start AND $start",
    "SELECT 1",
])
def test_the_parameters_a_query_uses_are_read_as_a_sql_parser_reads_them(sql: str) -> None:
    # DuckDB binds what the query names: a name read in a string or a comment would be a value
    # asked for and never used (DuckDB refuses unused ones), a name missed one never given.
    import sqlglot
    from sqlglot import exp

    parsed = frozenset(str(p.name) for p in sqlglot.parse_one(sql, read="duckdb").find_all(exp.Placeholder) if p.name)
    assert parameter_names(sql) == parsed


def test_a_report_on_the_warehouse_does_not_load_the_spark_translator(tmp_path: Path) -> None:
    # SQLGlot (a fifth of a second to load, and a parse of every query) serves Spark alone: a member's
    # report on its DuckDB warehouse starts without it.
    db = tiny_cooperative(tmp_path / "w.duckdb")
    code = ("import sys\n"
            "from culturecoop.analytics import run_report\n"
            "from culturecoop.privacy.gate import PrivacyPolicy\n"
            "from culturecoop.warehouse.engine import Warehouse\n"
            f"with Warehouse({str(db)!r}) as w:\n"
            "    result = run_report('overview', w, 'jazz-a', {'from': '2025-01-01', 'to': '2025-03-31'}, PrivacyPolicy(min_patrons=2))\n"
            "print(bool(result.tables), 'sqlglot' in sys.modules)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert out.stdout.split() == ["True", "False"], out.stderr


def test_missing_spark_extra_is_one_sentence() -> None:
    code = ("import sys; sys.modules['pyspark'] = None\n"
            "from culturecoop.errors import UserError\n"
            "from culturecoop.warehouse.sql_engine import spark_session\n"
            "try:\n    spark_session()\nexcept UserError as e:\n    print(e.message)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert "install it with `pip install 'culturecoop[spark]'`" in out.stdout


@pytest.fixture(scope="module")
def old_lake(cooperative: dict[str, Path], spark: Any) -> SparkEngine:
    """An engine on the lake as a release before `unnamed_sale` (door sales) exported it: no such table."""
    old = cooperative["root"] / "old-lake"
    shutil.copytree(cooperative["lake"], old)
    shutil.rmtree(old / "unnamed_sale")
    manifest = json.loads((old / "_lake.json").read_text())
    del manifest["tables"]["unnamed_sale"]
    (old / "_lake.json").write_text(json.dumps(manifest))
    return SparkEngine(old, session=spark)


@SPARK_MARK
@pytest.mark.parametrize("report", ["events", "pace"])
def test_a_lake_exported_before_door_sales_answers_as_before(report: str, cooperative: dict[str, Path],
                                                            old_lake: SparkEngine,
                                                            reference: dict[tuple[str, str], dict[str, Any]],
                                                            tmp_path: Path) -> None:
    """A lake exported by a release before `unnamed_sale` (door sales) has no such table: its reports
    read it as holding no row, as the warehouse does for packages of that time (one engine on the old
    lake for two reports that read door sales, each on a fresh gate state)."""
    state = tmp_path / "state.duckdb"
    shutil.copy(cooperative["db"], state)
    with Warehouse(state) as w:
        for member in MEMBERS[report]:
            assert answer(report, old_lake, member, w, "old-lake") == reference[(report, member)]
