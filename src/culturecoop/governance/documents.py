"""Documents for people: remuneration statements and the privacy impact assessment, in French and
English, as Markdown and PDF (ReportLab, with the DejaVu fonts Debian ships so that accents and
typographic signs render; Helvetica when they are absent)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from culturecoop.analytics.wording import day, number
from culturecoop.analytics.wording import percent as _percent
from culturecoop.i18n import gettext_in

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FUNCTION_NAMES = {
    "insight": "Insight: report cells released above the threshold",
    "linkage": "Linkage: people seen at several members",
    "recommendation": "Recommendations: how much better the model finds the audiences of members' events (nDCG@10 gained, points out of 100)",
    "conversions": "Conversions from audiences",
}


def translator(language: str) -> Callable[..., str]:
    def t(message: str, **fields: Any) -> str:
        text = gettext_in(message, language)
        return text.format(**fields) if fields else text
    return t


def amount(cents: int, currency: str, language: str) -> str:
    text = number(cents / 100, language, 2)
    return f"{text} {currency}" if language == "fr" else f"{currency} {text}"


def percent(fraction: float, language: str) -> str:
    """A share (0.123) as 12,3 % (fr) or 12.3% (en), as the dashboard writes it."""
    return _percent(fraction, language, 1)


def statement_markdown(statement: dict[str, Any], language: str, member_name: str | None = None) -> str:
    """One member's statement as Markdown in ``language`` (fr or en), headed by the member's name
    (its identifier when no name is given)."""
    t = translator(language)
    rules = statement["rules"]
    lines = [
        "# " + t("Remuneration statement — {member}", member=member_name or statement["member_id"]),
        "",
        t("Period: {start} to {end}. Statement {id}, issued {issued}.", start=day(statement["from"], language),
          end=day(statement["to"], language), id=statement["statement_id"], issued=day(statement["issued_at"], language)),
        "",
        "## " + t("Your share"),
        "",
        t("You receive **{amount}**, that is {share} of the amount shared this period ({distributed} after {fees} of fees withheld from a pool of {pool}).",
          amount=amount(statement["amount_cents"], rules["currency"], language),
          share=percent(statement["weighted_share"], language),
          distributed=amount(rules["pool_cents"] - rules["fees_cents"], rules["currency"], language),
          fees=amount(rules["fees_cents"], rules["currency"], language),
          pool=amount(rules["pool_cents"], rules["currency"], language)),
        "",
        "## " + t("Your figures against the cooperative's"),
        "",
        "| " + t("Value") + " | " + t("Weight") + " | " + t("Yours") + " | " + t("Cooperative") + " | " + t("Your share") + " |",
        "|---|---|---|---|---|",
    ]
    for name, figure in statement["figures"].items():
        yours = number(figure["member"], language, 1)
        if figure.get("half_width") is not None:
            yours += f" ± {number(figure['half_width'], language, 1)}"
        lines.append(f"| {t(FUNCTION_NAMES[name])} | {percent(rules['weights'].get(name, 0.0), language)} | {yours} | "
                     f"{number(figure['cooperative'], language)} | {percent(figure['fraction'], language)} |")
    lines += [
        "",
        "## " + t("How it is computed"),
        "",
        t("Each kind of value counts people, never rows: sending the same people twice adds nothing."),
        # The contribution page's words (« Comment votre part est comptée »); the term stays in its glossary.
        t("Your part of each value is what your pooled data adds, on average, to every group of members it could join: the members' parts add up to the cooperative's total, two members with the same data get the same part, and data that only repeats another member's earns nothing."),
        t("Only data the patrons agreed to pool counts, and only events of the period."),
    ]
    if rules["floor_cents"]:
        lines.append(t("Every member first receives a floor of {floor}.", floor=amount(rules["floor_cents"], rules["currency"], language)))
    if rules["preferential_threshold"] > 0 and rules["preferential_rate"] > 1:
        lines.append(t("Members whose share reaches {threshold} are paid at a preferential rate of {rate}×.",
                       threshold=percent(rules["preferential_threshold"], language), rate=number(rules["preferential_rate"], language, 2)))
    if rules["cap"] < 1:
        lines.append(t("No member receives more than {cap} of the amount shared; what a cap holds back goes to the others in proportion.",
                       cap=percent(rules["cap"], language)))
    lines += [
        "",
        "## " + t("How to dispute"),
        "",
        t("If a figure seems wrong, write to the cooperative within 30 days, quoting statement {id}. The figures can be recomputed from the same data with `culturecoop contribution shapley --from {start} --to {end}`.",
          id=statement["statement_id"], start=statement["from"], end=statement["to"]),
        "",
    ]
    return "\n".join(lines)


def _fonts() -> tuple[str, str]:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    regular, bold = FONT_DIR / "DejaVuSans.ttf", FONT_DIR / "DejaVuSans-Bold.ttf"
    if regular.is_file() and bold.is_file():
        if "DejaVuSans" not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont("DejaVuSans", str(regular)))
            pdfmetrics.registerFont(TTFont("DejaVuSans-Bold", str(bold)))
        return "DejaVuSans", "DejaVuSans-Bold"
    return "Helvetica", "Helvetica-Bold"


def _inline(text: str, bold_font: str) -> str:
    """Markdown emphasis and code of one line as ReportLab paragraph markup."""
    from xml.sax.saxutils import escape

    parts = escape(text).split("**")
    text = "".join(f"<font name='{bold_font}'>{p}</font>" if i % 2 else p for i, p in enumerate(parts))
    return text.replace("`", "")


def markdown_pdf(markdown: str, out: Path, title: str) -> Path:
    """Render the Markdown these documents use (headings, paragraphs, lists, tables) as a PDF."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import LETTER
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import cm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    regular, bold = _fonts()
    styles = getSampleStyleSheet()
    body = styles["BodyText"].clone("body", fontName=regular, fontSize=10, leading=13)
    h1 = styles["Heading1"].clone("h1", fontName=bold)
    h2 = styles["Heading2"].clone("h2", fontName=bold)
    flow: list[Any] = []
    table: list[list[Any]] = []

    def flush_table() -> None:
        if table:
            grid = Table(table, repeatRows=1)
            grid.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), regular), ("FONTSIZE", (0, 0), (-1, -1), 8),
                                      ("FONTNAME", (0, 0), (-1, 0), bold),
                                      ("GRID", (0, 0), (-1, -1), 0.25, colors.grey), ("VALIGN", (0, 0), (-1, -1), "TOP")]))
            flow.extend([grid, Spacer(1, 0.3 * cm)])
            table.clear()

    for line in markdown.splitlines():
        if line.startswith("|"):
            cells = [c.strip() for c in line.strip("|").split("|")]
            if not all(set(c) <= {"-", ":"} for c in cells):
                table.append([Paragraph(_inline(c, bold), body) for c in cells])
            continue
        flush_table()
        if line.startswith("# "):
            flow.append(Paragraph(_inline(line[2:], bold), h1))
        elif line.startswith("## "):
            flow.append(Paragraph(_inline(line[3:], bold), h2))
        elif line.startswith("- "):
            flow.append(Paragraph("• " + _inline(line[2:], bold), body))
        elif line.strip():
            flow.append(Paragraph(_inline(line, bold), body))
    flush_table()
    out.parent.mkdir(parents=True, exist_ok=True)
    SimpleDocTemplate(str(out), pagesize=LETTER, title=title, leftMargin=2 * cm, rightMargin=2 * cm).build(flow)
    return out


def markdown_html(markdown: str) -> str:
    """The same Markdown as HTML for the dashboard (escaped; headings, paragraphs, tables, bold, code)."""
    import re
    from html import escape

    def inline(text: str) -> str:
        text = escape(text)
        text = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", text)
        return re.sub(r"`(.+?)`", r"<code>\1</code>", text)

    html: list[str] = []
    rows: list[list[str]] = []

    def flush() -> None:
        if rows:
            head, *body = rows
            html.append("<table class=\"data\"><thead><tr>" + "".join(f"<th>{inline(c)}</th>" for c in head) + "</tr></thead><tbody>"
                        + "".join("<tr>" + "".join(f"<td>{inline(c)}</td>" for c in r) + "</tr>" for r in body) + "</tbody></table>")
            rows.clear()

    for line in markdown.splitlines():
        if line.startswith("|"):
            cells = [c.strip() for c in line.strip("|").split("|")]
            if not all(set(c) <= {"-", ":"} for c in cells):
                rows.append(cells)
            continue
        flush()
        if line.startswith("# "):
            continue  # the page has its own title
        if line.startswith("## "):
            html.append(f"<h2>{inline(line[3:])}</h2>")
        elif line.startswith("- "):
            html.append(f"<p>• {inline(line[2:])}</p>")
        elif line.strip():
            html.append(f"<p>{inline(line)}</p>")
    flush()
    return "\n".join(html)
