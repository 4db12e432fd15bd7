"""Audience analytics: named, parameterized reports on DuckDB or Spark, cross-member figures
through the privacy gate. ``run_report`` is the entry point; ``REPORTS`` lists the reports.

The names below are loaded when first asked for: a command that only writes numbers in the
reader's language (``analytics.wording``) does not pay for the reports, their SQL engine and
sqlglot (a tenth of a second at every start of ``prepare``)."""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from culturecoop.analytics.registry import REPORTS, report_spec
    from culturecoop.analytics.report import Column, ReportResult, ReportTable
    from culturecoop.analytics.service import refresh, run_report

_HOMES = {"REPORTS": "registry", "report_spec": "registry", "Column": "report", "ReportResult": "report",
          "ReportTable": "report", "refresh": "service", "run_report": "service"}

__all__ = ["REPORTS", "Column", "ReportResult", "ReportTable", "refresh", "report_spec", "run_report"]


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"{__name__}.{home}"), name)
    globals()[name] = value
    return value
