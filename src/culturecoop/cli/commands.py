"""Imports every command module so that each registers itself on the app."""

from culturecoop.cli import (  # noqa: F401
    campaigns_cmd,
    contribution_cmd,
    erasure_cmd,
    ingest_cmd,
    keys_cmd,
    link_cmd,
    mapping_cmd,
    member_cmd,
    prepare_cmd,
    reco_cmd,
    report_cmd,
    serve_cmd,
    synth_cmd,
    users_cmd,
)
