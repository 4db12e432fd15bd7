"""Audience analytics: named, parameterized reports on DuckDB or Spark, cross-member figures
through the privacy gate. ``run_report`` is the entry point; ``REPORTS`` lists the reports."""

from culturecoop.analytics.registry import REPORTS, report_spec
from culturecoop.analytics.report import Column, ReportResult, ReportTable
from culturecoop.analytics.service import refresh, run_report

__all__ = ["REPORTS", "Column", "ReportResult", "ReportTable", "refresh", "report_spec", "run_report"]
