"""Imports every command module so that each registers itself on the app."""

from culturecoop.cli import ingest_cmd, keys_cmd  # noqa: F401
from culturecoop.cli import link_cmd  # noqa: F401
from culturecoop.cli import prepare_cmd  # noqa: F401
from culturecoop.cli import serve_cmd, users_cmd  # noqa: F401
from culturecoop.cli import synth_cmd  # noqa: F401
from culturecoop.cli import report_cmd  # noqa: F401
