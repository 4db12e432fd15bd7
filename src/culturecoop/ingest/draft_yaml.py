"""The drafted mapping as commented YAML: every line says why, guesses say CHECK.

Values are written by PyYAML (flow style), so a column named ``Order #`` or ``N° commande``
is quoted where YAML needs it, and ``yaml.safe_load`` of the text gives back the mapping.
Comments are in the member's language.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from culturecoop.i18n import _
from culturecoop.ingest.profile import CONSENT_EXPORT_FIELDS
from culturecoop.ingest.sniff import Evidence

# The settings a drafted mapping may carry, in the order the file writes them.
SETTING_ORDER = ("format", "encoding", "delimiter", "quote", "decimal", "skip_lines", "attendees", "sheet", "sheets", "currency",
                  "timezone", "country", "amount_scale", "blank_price", "refunded_amount_per", "datetime_formats", "date_formats", "list_separator",
                  "true_values", "false_values", "status_values", "line_kind_values", "channel_values",
                  "language_values")


def flow(value: Any) -> str:
    """``value`` as one line of YAML (quoted where YAML needs it)."""
    if value == "'":
        return '"\'"'  # a lone apostrophe, readable as such (YAML's own form is « '''' »)
    text = yaml.safe_dump(value, default_flow_style=True, allow_unicode=True, width=1 << 20, sort_keys=False)
    text = text.strip()
    if text.endswith("\n..."):
        text = text[: -len("\n...")]
    return text.strip()


def _comment(evidence: Evidence | None) -> str:
    if evidence is None:
        return ""
    why = " ".join(evidence.why.split())
    marker = _("CHECK: ") if evidence.check else ""
    return f"  # {marker}{why}"


def _evidence(items: list[Evidence], key: str) -> Evidence | None:
    found = [e for e in items if e.key == key]
    return found[-1] if found else None


def _dates(evidence: list[Evidence]) -> list[str]:
    """Comment lines on how each date column reads (they share the two format lists below)."""
    lines = []
    order = _evidence(evidence, "day_first")
    if order is not None:
        lines.append(_("# Dates: {why}.").format(why=order.why) + (" " + _("CHECK.") if order.check else ""))
    for note in (e for e in evidence if e.key.startswith("dates.")):
        marker = _("CHECK: ") if note.check else ""
        lines.append(f"#   {note.key[len('dates.'):]}: {marker}{note.why}")
    return lines


def render(mapping: dict[str, Any], evidence: list[Evidence], undecided: list[str], unused: list[str],
           source_name: str) -> str:
    """The YAML text of ``mapping`` with one comment per decision and the open questions at the end."""
    out = [
        _("# Mapping drafted by `culturecoop mapping draft` from {file}.").format(file=source_name),
        _("# Lines marked CHECK are guesses: confirm them, then try the mapping with "
          "`culturecoop mapping check {file} --mapping THIS_FILE.yaml`.").format(file=source_name),
        f"name: {flow(mapping['name'])}",
        "description:",
        *(f"  {lang}: {flow(text)}" for lang, text in mapping["description"].items()),
    ]
    for key in SETTING_ORDER:
        if key not in mapping:
            continue
        value = mapping[key]
        note = _evidence(evidence, key)
        if key == "datetime_formats" or (key == "date_formats" and "datetime_formats" not in mapping):
            out.extend(_dates(evidence))
        if isinstance(value, dict) and value:
            out.append(f"{key}:{_comment(note)}")
            # A value with a note of its own (``line_kind_values``: what each value sold) says it beside it.
            out.extend(f"  {flow(label)}: {flow(canonical)}{_comment(_evidence(evidence, f'{key}.{label}'))}"
                       for label, canonical in value.items())
        else:
            out.append(f"{key}: {flow(value)}{_comment(note)}")
    if _evidence(evidence, "consent_defaults") is not None:
        out += [
            _("# CHECK: no column says whether a patron agreed to pooling. If your patrons agreed (for example in "
              "the terms they accepted when buying), uncomment these lines and state that basis; otherwise their "
              "tickets stay out of pooled figures."),
            "# consent_defaults:",
            "#   pooling: true",
            _("# consent_basis: \"Our ticketing terms (article 7) tell buyers their data is pooled with the "
              "cooperative.\""),
        ]
    out.append("columns:")
    for field, spec in mapping["columns"].items():
        out.append(f"  {field}: {flow(spec)}{_comment(_evidence(evidence, f'columns.{field}'))}")
    for field in ("ticket_id", "patron_id"):
        note = _evidence(evidence, f"columns.{field}")
        if field not in mapping["columns"] and note is not None:
            out.append(f"  # {field}: {' '.join(note.why.split())}")
    missing = [(field, VENUE_POSTAL_CODES.get(str(mapping.get("country")), "12345") if field == "venue_postal_code"
                else example) for field, example in EVENT_CONSTANTS if field not in mapping["columns"]]
    if missing and not set(mapping["columns"]) <= set(CONSENT_EXPORT_FIELDS):
        # What the export does not say of the shows, said once for all (a venue of one hall, one genre).
        out.append("  " + _("# The export does not say these of your events; if they are the same for all, "
                            "uncomment and fill in (trends, affinities, target audiences and sales paces use them):"))
        out.extend(f"  # {field}: {{value: {flow(_(example))}}}" for field, example in missing)
    if unused:
        out.append(_("# Columns not used: {names}.").format(names=", ".join(unused)))
    if undecided:
        out.append(_("# Still to decide:"))
        out.extend(f"#  - {' '.join(item.split())}" for item in undecided)
    return _printable("\n".join(out) + "\n")


# What YAML may not hold even in a comment: control characters (a NUL some exports pad cells with)
# but the tab and line ends, C1 controls but NEL, surrogates, U+FFFE and U+FFFF.
_UNPRINTABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")


# Event fields a member may give as one value for every event, with an example of each.
EVENT_CONSTANTS: tuple[tuple[str, str], ...] = (
    ("genres", "chanson"), ("venue", "Your venue"), ("venue_postal_code", "H2X 1Y4"), ("capacity", "200"),
)
# The venue's postal code as the draft's country writes one (a French venue is not shown a
# Canadian code to copy).
VENUE_POSTAL_CODES: dict[str, str] = {"CA": "H2X 1Y4", "US": "10001", "FR": "75011", "BE": "1000", "CH": "1204",
                                      "LU": "1450", "GB": "SW4 0AB", "DE": "10115", "AT": "1010", "IE": "D02 X285"}


def _printable(text: str) -> str:
    """``text`` with every character YAML cannot hold written as its escape (``\\x00``): the
    comments quote the file's own values, and a mapping the YAML reader refuses helps nobody."""
    return _UNPRINTABLE.sub(lambda m: m.group(0).encode("unicode_escape").decode("ascii"), text)
