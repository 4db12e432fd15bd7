"""The accuracy–diversity trade-off of ``reco evaluate`` as a PNG (matplotlib, no display)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from culturecoop.errors import UserError
from culturecoop.files import os_reason
from culturecoop.i18n import _


def tradeoff_png(report: dict[str, Any], path: Path) -> None:
    """nDCG@k and the local / francophone shares against the diversity knob."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    curve = report["tradeoff"]
    knob = [p["diversity"] for p in curve]
    fig, left = plt.subplots(figsize=(7, 4.2), dpi=120)
    left.plot(knob, [p["ndcg"] for p in curve], marker="o", color="#1f4e79", label=_("nDCG@{k}").format(k=report["k"]))
    left.set_xlabel(_("Diversity knob (0 = the model's order)"))
    left.set_ylabel(_("Accuracy (nDCG)"))
    right = left.twinx()
    for flag, colour in (("local", "#c0392b"), ("francophone", "#27ae60"), ("coverage", "#8e44ad")):
        key = "coverage" if flag == "coverage" else f"{flag}_share"
        if key in curve[0]:
            right.plot(knob, [p[key] for p in curve], linestyle="--", color=colour,
                       label={"local": _("local share"), "francophone": _("francophone share"), "coverage": _("catalogue coverage")}[flag])
    right.set_ylabel(_("Share"))
    right.set_ylim(0, 1)
    handles = left.get_legend_handles_labels()[0] + right.get_legend_handles_labels()[0]
    labels = left.get_legend_handles_labels()[1] + right.get_legend_handles_labels()[1]
    left.legend(handles, labels, loc="lower left", fontsize=8)
    left.set_title(_("Accuracy–diversity trade-off"))
    fig.tight_layout()
    tmp = path.with_name(path.name + ".tmp.png")
    try:
        fig.savefig(tmp, format="png")
        tmp.replace(path)
    except OSError as exc:
        raise UserError(_("Cannot write {path} ({reason}); choose a folder you can write to.").format(path=path, reason=os_reason(exc))) from None
    finally:
        plt.close(fig)
