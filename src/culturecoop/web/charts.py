"""Charts as Plotly figure dicts: data and layout built here, drawn by the browser.

Every figure has a title, axis titles with their unit, a legend when there is more than one
series, and numbers in the reader's language (``separators``; French pages also set Plotly's
locale, see ``static/charts.js``). Shares travel as percentages (0.386 → 38.6) with a " %"
suffix, so that axes and hover texts read "38,6 %" in French rather than "0.386" or "39%".
A suppressed cell is a gap (None), never a zero.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from culturecoop.web.i18n import Translator

# Series colours in order; neighbours differ in hue (the fourth was a teal too close to the first blue
# on four-line charts such as the accuracy–diversity trade-off).
# The first two (the pairs « vous / la coopérative », « part des clients / part des recettes ») are a dark
# blue and a vermilion: a reader with deuteranopia tells them apart (the blue and red of before read as
# two browns to them), and a black-and-white print as dark and light grey. Colour never carries a
# meaning alone: each series also has its own hatching (bars) or stroke and marker (lines), below.
PALETTE = ("#1f5f8b", "#d55e00", "#edae49", "#66a182", "#8e6c8a", "#00798c", "#e07a5f", "#3d405b")
MUTED = "#b8c0cc"
# Rising and falling: still a green and a red, but a dark green and a light orange-red (the two of before
# had one lightness, so one grey in print, and one brown to a deuteranope).
RISING, FALLING = "#1b5e35", "#e8743b"
LINE_DASHES = ("solid", "dash", "dot", "dashdot")
# Bars of the n-th series side by side: plain, then hatched, dotted, crossed… (what a legend shows too).
BAR_PATTERNS = ("", "/", ".", "x", "-", "|", "+", "\\")
# Markers of the n-th line; a rising line points up and a falling one down whatever the reader sees of
# green and red.
MARKERS = ("circle", "square", "diamond", "triangle-up", "x", "cross", "star", "hexagon")
MARKER_OF_COLOUR = {RISING: "triangle-up", FALLING: "triangle-down"}
MUTED_NAMED = 3  # grey lines named in a legend beside the highlighted ones, at most
UNITS = ("count", "percent", "points", "money", "times", "days")
Figure = dict[str, Any]


def _scaled(values: Sequence[Any], unit: str) -> list[Any]:
    """Shares and differences of shares travel as percentages (0.386 → 38.6)."""
    if unit not in ("percent", "points"):
        return [None if v is None else v for v in values]
    # Six decimals, not two: a share rounded twice (0.04348 → 4.35 → « 4,4 % ») read otherwise than
    # the page's « 4,3 % » in the table a chart builds from its figure.
    return [None if v is None else round(float(v) * 100, 6) for v in values]


def _axis(title: str, unit: str, t: Translator, **extra: Any) -> dict[str, Any]:
    # Thousands grouped from 1 000 on, as the page writes them: Plotly groups only from 10 000 by default,
    # so an axis read « 1000 1200 » beside a key figure of « 1 320 ».
    axis: dict[str, Any] = {"title": {"text": title}, "automargin": True, "zeroline": True, "separatethousands": True,
                            **extra}
    if unit == "percent":
        axis["ticksuffix"] = "\u00a0%" if t.language == "fr" else "%"
    elif unit == "points":  # a difference of two shares: « +7 pts », never « 7 % » (a relative change)
        axis["ticksuffix"] = "\u00a0pts"
    elif unit == "money":
        prefix, suffix = _money_affixes(t)
        axis["tickprefix" if prefix else "ticksuffix"] = prefix or suffix
    elif unit == "times":
        axis["ticksuffix"] = "\u00a0×"
    return axis


def _money_affixes(t: Translator) -> tuple[str, str]:
    """What goes before and after an amount: « 12,50 € » in French, "€12.50" or "CHF 12.50" in English."""
    sign = t.currency_symbol
    if t.language == "fr":
        return "", "\u00a0" + sign
    return sign + ("\u00a0" if sign.isalpha() else ""), ""


def _hover(unit: str, t: Translator, value: str = "y") -> str:
    """Plotly's hover format for a value of ``unit`` (d3 formats; separators from the layout)."""
    if unit == "percent":
        return "%{" + value + ":,.1f}" + ("\u00a0%" if t.language == "fr" else "%")
    if unit == "points":
        return "%{" + value + ":+,.1f}\u00a0pts"
    if unit == "money":
        prefix, suffix = _money_affixes(t)
        return prefix + "%{" + value + ":,.2f}" + suffix
    if unit == "times":
        return "%{" + value + ":,.2f}\u00a0×"
    # Counts are whole: a band scaled to an event's capacity (12.2 tickets) reads 12, as the page does.
    return "%{" + value + ":,.0f}"


def _labelled(label: str | None, t: Translator) -> str:
    """What stands between a hover text's key and its value: « : », or a line naming the value's unit
    (« <br>Billets : »), French with a space before the colon."""
    colon = "\u00a0: " if t.language == "fr" else ": "
    return colon if label is None else "<br>" + label + colon


def _layout(title: str, t: Translator, *, height: int = 340, legend: bool = False, legend_items: int = 2,
            **extra: Any) -> dict[str, Any]:
    # The legend sits at the very bottom of the figure, under the x axis's title: room is kept
    # for its rows (about three entries per row on a phone).
    rows = -(-legend_items // 3) if legend else 0
    return {
        "title": {"text": title, "x": 0, "xanchor": "left", "font": {"size": 15}},
        "height": height + 22 * rows,
        "margin": {"l": 10, "r": 10, "t": 48, "b": 10 + 22 * rows},
        "separators": ", " if t.language == "fr" else ".,",
        "showlegend": legend,
        "legend": {"orientation": "h", "x": 0, "xanchor": "left", "yref": "container", "y": 0, "yanchor": "bottom"},
        "paper_bgcolor": "rgba(0,0,0,0)",
        "plot_bgcolor": "rgba(0,0,0,0)",
        "hoverlabel": {"namelength": -1},
        **extra,
    }


def bars(title: str, categories: Sequence[str], series: Sequence[tuple[str, Sequence[Any]]], t: Translator, *,
         value_title: str, category_title: str, unit: str = "count", horizontal: bool = False,
         baseline: float | None = None, baseline_label: str | None = None,
         errors: tuple[Sequence[Any], Sequence[Any]] | None = None, colors: Sequence[str] | None = None,
         from_baseline: bool = False, value_label: str | None = None) -> Figure:
    """Bars per category (several series side by side); horizontal bars read as a ranked list.

    ``baseline`` draws a reference line (1.0 for a lift, 100 for an index); ``errors`` are the
    low and high ends of an interval per bar (in the unit of the values). ``from_baseline`` draws
    each bar from the baseline to its value, on an axis around the values: indices of 98 to 106 drawn
    from 0 were bars of one length, their gaps to 100 a few pixels. ``value_label`` names a count's unit
    in the hover text (« Billets : 113 », not « janv. 2025: 113 »)."""
    data = []
    for i, (name, values) in enumerate(series):
        scaled = _scaled(values, unit)
        trace: dict[str, Any] = {
            "type": "bar", "name": name, "orientation": "h" if horizontal else "v",
            "marker": {"color": list(colors) if colors is not None and len(series) == 1 else PALETTE[i % len(PALETTE)],
                       **_pattern(i, len(series))},
            "hovertemplate": "%{" + ("y" if horizontal else "x") + "}" + _labelled(value_label, t) + _hover(unit, t, "x" if horizontal else "y")
                             + "<extra>" + name + "</extra>",
        }
        trace["x" if horizontal else "y"] = scaled
        trace["y" if horizontal else "x"] = list(categories)
        if from_baseline and baseline is not None:
            # Each bar's length is its gap to the baseline; the hover gives the value itself.
            trace["base"], trace["customdata"] = baseline, scaled
            trace["x" if horizontal else "y"] = [None if v is None else round(v - baseline, 6) for v in scaled]
            trace["hovertemplate"] = ("%{" + ("y" if horizontal else "x") + "}" + _labelled(None, t) + _hover(unit, t, "customdata")
                                      + "<extra>" + name + "</extra>")
        if errors is not None and i == 0:
            low, high = _scaled(errors[0], unit), _scaled(errors[1], unit)
            trace["error_" + ("x" if horizontal else "y")] = {
                "type": "data", "symmetric": False, "color": "#3d405b", "thickness": 1.2,
                "array": [None if h is None or v is None else round(h - v, 4) for v, h in zip(scaled, high, strict=True)],
                "arrayminus": [None if lo is None or v is None else round(v - lo, 4) for v, lo in zip(scaled, low, strict=True)],
            }
        data.append(trace)
    value_axis = _axis(value_title, unit, t, rangemode="tozero")
    if from_baseline and baseline is not None:
        # Around the baseline, at least a fifth of it either side: 98 against 100 is a short bar, not
        # half the chart; a gap wider than that sets the reach.
        gaps = [abs(float(v) - baseline) for _name, values in series for v in _scaled(values, unit) if v is not None]
        reach = max([0.2 * abs(baseline), *(1.1 * g for g in gaps)])
        value_axis = {**_axis(value_title, unit, t), "range": [baseline - reach, baseline + reach]}
    category_axis = {"title": {"text": category_title, "standoff": 14}, "automargin": True, "type": "category"}
    layout = _layout(title, t, legend=len(series) > 1, legend_items=len(series), barmode="group",
                     height=max(300, 28 * len(categories) + 120) if horizontal else 360)
    if horizontal:
        layout["xaxis"], layout["yaxis"] = value_axis, {**category_axis, "autorange": "reversed"}
    else:
        layout["xaxis"], layout["yaxis"] = category_axis, value_axis
    if baseline is not None:
        layout["shapes"] = [{
            "type": "line", "xref": "x" if horizontal else "paper", "yref": "paper" if horizontal else "y",
            "x0": baseline if horizontal else 0, "x1": baseline if horizontal else 1,
            "y0": 0 if horizontal else baseline, "y1": 1 if horizontal else baseline,
            "line": {"color": "#3d405b", "dash": "dash", "width": 1.5},
        }]
        if baseline_label:
            layout["annotations"] = [{
                "text": baseline_label, "showarrow": False, "xref": "x" if horizontal else "paper",
                "yref": "paper" if horizontal else "y", "x": baseline if horizontal else 1, "y": 1.0 if horizontal else baseline,
                "xanchor": "left" if horizontal else "right", "yanchor": "bottom", "font": {"size": 11, "color": "#3d405b"},
            }]
    return {"data": data, "layout": layout}


def _pattern(i: int, count: int) -> dict[str, Any]:
    """The hatching of the ``i``-th of ``count`` series of bars (none for a lone series): « ciblés /
    témoins » told apart without their colours, on a print in black and white too."""
    shape = BAR_PATTERNS[i % len(BAR_PATTERNS)] if count > 1 else ""
    # « overlay »: the bar keeps its colour under white hatching (« replace », Plotly's default, drew the
    # hatching alone on a transparent bar: white lines on white, the bar gone).
    return {"pattern": {"shape": shape, "fillmode": "overlay", "fgcolor": "#ffffff", "fgopacity": 0.9,
                        "solidity": 0.35}} if shape else {}


def lines(title: str, x: Sequence[Any], series: Sequence[tuple[str, Sequence[Any]]], t: Translator, *,
          value_title: str, x_title: str, unit: str = "count", dates: bool = True,
          highlight: dict[str, str] | None = None, shade: tuple[Any, Any, str] | None = None) -> Figure:
    """Lines over time (``x``: ISO days or months). ``highlight`` maps series names to colours;
    the other series are drawn thin and grey, so that rising and falling ones stand out. ``shade``
    (from, to, label) greys a stretch of the x axis and names it (the year a period is compared
    with)."""
    data = []
    drawn: dict[str, int] = {}  # lines per colour so far: two rising genres share the green
    # A few grey lines (a venue's three genres, one of them rising) are named in the legend too, each
    # with its own stroke: unnamed grey lines left the reader guessing. Many stay out of it (their
    # names show on hover): the legend names what the chart is about, and fits a phone.
    grey_named = bool(highlight) and sum(name not in (highlight or {}) for name, _v in series) <= MUTED_NAMED
    for i, (name, values) in enumerate(series):
        color = (highlight or {}).get(name) or (MUTED if highlight else PALETTE[i % len(PALETTE)])
        emphasised = not highlight or name in highlight
        named = emphasised or grey_named
        # Lines of one colour are told apart by their stroke (solid, dashes, dots), in the legend too.
        # Lines of several colours (no highlight) get a stroke each as well: a colour-blind reader and a
        # print in black and white tell « cette année » from « l’an dernier » by it.
        dash = LINE_DASHES[(drawn.get(color, 0) if highlight else i) % len(LINE_DASHES)] if named else "solid"
        drawn[color] = drawn.get(color, 0) + named
        symbol = MARKER_OF_COLOUR.get(color) if highlight else MARKERS[i % len(MARKERS)]
        data.append({
            "showlegend": named,
            "type": "scatter", "mode": "lines+markers" if emphasised else "lines", "name": name,
            "x": list(x), "y": _scaled(values, unit), "connectgaps": False,
            "line": {"color": color, "width": 2.5 if emphasised else 1, "dash": dash},
            "marker": {"size": 7 if symbol else 5, **({"symbol": symbol} if symbol else {})}, "opacity": 1 if emphasised else 0.7,
            "hovertemplate": "%{x}" + _labelled(None, t) + _hover(unit, t) + "<extra>" + name + "</extra>",
        })
    shown = sum(bool(trace["showlegend"]) for trace in data)
    layout = _layout(title, t, legend=shown > 0 and len(series) > 1, legend_items=shown, height=380)
    layout["xaxis"] = {"title": {"text": x_title}, "automargin": True, **({"type": "date"} if dates else {})}
    layout["yaxis"] = _axis(value_title, unit, t, rangemode="tozero")
    if shade is not None:
        start, end, label = shade
        layout["shapes"] = [{"type": "rect", "xref": "x", "yref": "paper", "x0": start, "x1": end, "y0": 0, "y1": 1,
                             "fillcolor": MUTED, "opacity": 0.12, "line": {"width": 0}, "layer": "below"}]
        layout["annotations"] = [{"xref": "x", "yref": "paper", "x": start, "y": 1, "xanchor": "left",
                                  "yanchor": "bottom", "showarrow": False, "text": label,
                                  "font": {"size": 11, "color": "#3d405b"}}]
    return {"data": data, "layout": layout}


def points(title: str, x: Sequence[Any], y: Sequence[Any], names: Sequence[str], t: Translator, *,
           value_title: str, x_title: str, unit: str = "percent", sizes: Sequence[Any] | None = None,
           average: float | None = None, average_label: str | None = None) -> Figure:
    """One point per item over time (e.g. the return rate of every event on its day), each
    named in its hover text; ``average`` draws a reference line."""
    marker: dict[str, Any] = {"color": PALETTE[0], "opacity": 0.85}
    if sizes:
        biggest = max((float(s) for s in sizes if s), default=1.0) or 1.0
        marker["size"] = [6 + 14 * (float(s or 0) / biggest) ** 0.5 for s in sizes]
    trace = {"type": "scatter", "mode": "markers", "x": list(x), "y": _scaled(y, unit), "text": list(names),
             "marker": marker, "name": value_title,
             "hovertemplate": "%{text}<br>%{x}" + _labelled(None, t) + _hover(unit, t) + "<extra></extra>"}
    layout = _layout(title, t, height=360)
    layout["xaxis"] = {"title": {"text": x_title}, "automargin": True, "type": "date"}
    days = sorted({str(v)[:10] for v in x if v})
    if len(days) == 1:
        # One day alone (a festival's one edition followed so far): Plotly zooms to the millisecond and
        # labels the axis « 23:59:59.999 ». A month on each side, ticks by day.
        one = date.fromisoformat(days[0])
        layout["xaxis"].update(range=[(one - timedelta(days=30)).isoformat(), (one + timedelta(days=30)).isoformat()],
                               tickformat="%d %b %Y")
    layout["yaxis"] = _axis(value_title, unit, t, rangemode="tozero")
    if average is not None:
        value = average * 100 if unit == "percent" else average
        layout["shapes"] = [{"type": "line", "xref": "paper", "yref": "y", "x0": 0, "x1": 1, "y0": value, "y1": value,
                             "line": {"color": "#3d405b", "dash": "dash", "width": 1.5}}]
        if average_label:
            layout["annotations"] = [{"text": average_label, "showarrow": False, "xref": "paper", "yref": "y", "x": 1,
                                      "y": value, "xanchor": "right", "yanchor": "bottom", "font": {"size": 11}}]
    return {"data": [trace], "layout": layout}


def heatmap(title: str, x: Sequence[str], y: Sequence[str], z: Sequence[Sequence[Any]], t: Translator, *,
            x_title: str, y_title: str, value_title: str, unit: str = "percent",
            midpoint: float | None = None) -> Figure:
    """A grid of values (rows ``y`` × columns ``x``); None cells stay empty (suppressed or no data).
    ``midpoint`` centres a diverging scale (1.0 for a lift)."""
    trace: dict[str, Any] = {
        "type": "heatmap", "x": list(x), "y": list(y), "z": [_scaled(row, unit) for row in z],
        "hoverongaps": False, "xgap": 1, "ygap": 1,
        "colorbar": {"title": {"text": value_title, "side": "right"}, "thickness": 12,
                     **({"ticksuffix": "\u00a0%" if t.language == "fr" else "%"} if unit == "percent" else {})},
        "hovertemplate": "%{y} · %{x}" + _labelled(None, t) + _hover(unit, t, "z") + "<extra></extra>",
    }
    if midpoint is not None:
        _ratio_scale(trace, z, midpoint, unit, t)
    else:
        # Both ends given: with zmin alone Plotly still scales to the data's own range, so a grid of
        # zeros (nobody came back yet) drew every cell mid-blue on a scale from « −0,4 % » to « 0,4 % »,
        # and a grid whose least cell is 12 % drew that cell as the colour of nobody.
        top = max((float(v) for row in trace["z"] for v in row if v is not None), default=0.0)
        trace.update({"colorscale": "Blues", "reversescale": True, "zmin": 0, "zmax": top if top > 0 else 1})
    layout = _layout(title, t, height=max(320, 24 * len(y) + 140))
    layout["xaxis"] = {"title": {"text": x_title}, "automargin": True, "type": "category", "side": "bottom"}
    layout["yaxis"] = {"title": {"text": y_title}, "automargin": True, "type": "category", "autorange": "reversed"}
    return {"data": [trace], "layout": layout}


def _ratio_scale(trace: dict[str, Any], z: Sequence[Sequence[Any]], midpoint: float, unit: str, t: Translator) -> None:
    """Colour a grid of ratios by their logarithm around ``midpoint``: blue below, white at it, red
    above, twice and half as often equally far from it. On a linear scale from 0 one strong pair
    (8.3) stretched the red side so far that every other pair above 1 (2.8) was near white, read as
    « neither more nor less », while 0.5 was already mid-blue. The colour bar is labelled in ratios
    (0,5 ×, 1 ×, 2 ×…) and the hover text gives each cell's own ratio."""
    values = [[None if v is None else float(v) for v in row] for row in z]
    floor = midpoint / 16  # a ratio of 0 has no logarithm: drawn as the deepest blue drawn
    logs = [[None if v is None else math.log2(max(v, floor) / midpoint) for v in row] for row in values]
    reach = max([1.0, *(abs(v) for row in logs for v in row if v is not None)])
    steps = range(-math.floor(reach), math.floor(reach) + 1)
    trace.update({"z": logs, "customdata": values, "zmin": -reach, "zmax": reach,
                  "colorscale": [[0, "#2166ac"], [0.25, "#92c5de"], [0.5, "#f7f7f7"], [0.75, "#f4a582"], [1, "#b2182b"]],
                  "hovertemplate": "%{y} · %{x}" + _labelled(None, t) + _hover(unit, t, "customdata") + "<extra></extra>"})
    trace["colorbar"].update({"tickvals": list(steps),
                              "ticktext": [t.number(midpoint * 2.0 ** k, max(0, -k)) + "\u00a0×" for k in steps]})


def _active_reach(x: Sequence[Any], series: Sequence[Sequence[Any]], marker_x: Any) -> float | None:
    """Where a days-before axis should start: a fifth beyond the farthest day at which any series
    holds more than 1 % of its largest value (or the marker's day), or None when that is most of the
    axis anyway."""
    days = [float(d) for d in x if isinstance(d, int | float)]
    values = [float(v) for s in series for v in s if isinstance(v, int | float)]
    if not days or not values or max(values) <= 0:
        return None
    floor = 0.01 * max(values)
    active = [float(d) for s in series for d, v in zip(x, s, strict=False)
              if isinstance(d, int | float) and isinstance(v, int | float) and v > floor]
    farthest = max([*active, float(marker_x) if isinstance(marker_x, int | float) else 0.0])
    reach = farthest * 1.2 + 3
    return None if reach >= 0.8 * max(days) else reach


def _days_before(day: Any, t: Translator) -> str:
    """A day of a days-before axis in words: « 14 jours avant », « 1 jour avant », « le jour même »."""
    if not isinstance(day, int | float):
        return str(day)
    days = round(float(day))
    return t("on the day") if days == 0 else t.plural(days, "{n} day before", "{n} days before")


def band(title: str, x: Sequence[Any], low: Sequence[Any], middle: Sequence[Any], high: Sequence[Any],
         line: Sequence[Any], t: Translator, *, band_name: str, middle_name: str, line_name: str,
         value_title: str, x_title: str, marker_x: Any = None, marker_label: str | None = None,
         later: Sequence[Any] | None = None, later_name: str | None = None,
         estimate: tuple[Any, float, float, float] | None = None, estimate_name: str | None = None) -> Figure:
    """One series (``line``) against a band (``low``–``high``, with its ``middle``), e.g. an
    event's sales against what comparable events had sold at the same point. ``later`` continues
    the line, dotted (what happened after the marker, in a replay); ``estimate`` is one point
    ``(x, value, low, high)`` with its range as an error bar (the forecast of the final sales)."""
    # Each hover says its units: « 14 jours avant · Billets vendus (cumul) : 9 », not « 14: 9 ».
    hover = _labelled(value_title, t) + _hover("count", t)
    # Each point's day in words, its noun agreeing with it: « 1 jour avant », « le jour même », not « 1 jours avant ».
    key = "%{text}"
    said = [_days_before(d, t) for d in x]
    data = [
        {"type": "scatter", "x": list(x), "y": list(high), "mode": "lines", "line": {"width": 0}, "showlegend": False,
         "hoverinfo": "skip", "name": band_name},
        {"type": "scatter", "x": list(x), "y": list(low), "mode": "lines", "line": {"width": 0}, "fill": "tonexty",
         "fillcolor": "rgba(31,95,139,0.18)", "name": band_name, "text": said, "hovertemplate": key + hover + "<extra>" + band_name + "</extra>"},
        {"type": "scatter", "x": list(x), "y": list(middle), "mode": "lines", "name": middle_name,
         "line": {"color": "#1f5f8b", "dash": "dash", "width": 1.5}, "text": said, "hovertemplate": key + hover + "<extra>" + middle_name + "</extra>"},
        {"type": "scatter", "x": list(x), "y": list(line), "mode": "lines+markers", "name": line_name,
         "line": {"color": PALETTE[1], "width": 3}, "marker": {"size": 4}, "connectgaps": False,
         "text": said, "hovertemplate": key + hover + "<extra>" + line_name + "</extra>"},
    ]
    if later is not None and later_name:
        data.append({"type": "scatter", "x": list(x), "y": list(later), "mode": "lines", "name": later_name,
                     "line": {"color": PALETTE[1], "width": 2, "dash": "dot"}, "connectgaps": False,
                     "text": said, "hovertemplate": key + hover + "<extra>" + later_name + "</extra>"})
    if estimate is not None and estimate_name:
        at, value, low_end, high_end = estimate
        data.append({"type": "scatter", "x": [at], "y": [value], "mode": "markers", "name": estimate_name,
                     "marker": {"color": "#3d405b", "size": 10, "symbol": "diamond"},
                     "error_y": {"type": "data", "symmetric": False, "array": [high_end - value],
                                 "arrayminus": [value - low_end], "color": "#3d405b", "thickness": 2, "width": 8},
                     "customdata": [[low_end, high_end]], "text": [_days_before(at, t)],
                     "hovertemplate": key + hover + " (%{customdata[0]:,.0f}–%{customdata[1]:,.0f})<extra>"
                                      + estimate_name + "</extra>"})
    layout = _layout(title, t, legend=True, legend_items=len(data) - 1, height=400)
    # Sales that start three weeks out drew a curve in the last sixth of a 120-day axis: the axis
    # starts a little before anything sells (or before the marker), reversed either way.
    reach = _active_reach(x, (high, line, later or []), marker_x)
    layout["xaxis"] = {"title": {"text": x_title}, "automargin": True,
                       **({"autorange": "reversed"} if reach is None else {"range": [reach, -1]})}
    layout["yaxis"] = _axis(value_title, "count", t, rangemode="tozero")
    if marker_x is not None:
        layout["shapes"] = [{"type": "line", "xref": "x", "yref": "paper", "x0": marker_x, "x1": marker_x, "y0": 0, "y1": 1,
                             "line": {"color": "#3d405b", "dash": "dot", "width": 1}}]
        if marker_label:
            layout["annotations"] = [{"text": marker_label, "showarrow": False, "xref": "x", "yref": "paper",
                                      "x": marker_x, "y": 1, "xanchor": "left", "yanchor": "bottom", "font": {"size": 11}}]
    return {"data": data, "layout": layout}


def axis_titles(figure: Figure) -> list[str]:
    """The axis titles of a figure (what a test checks every chart has)."""
    layout = figure.get("layout", {})
    return [str(layout[axis]["title"]["text"]) for axis in ("xaxis", "yaxis") if axis in layout]


def tradeoff(title: str, knob: Sequence[float], series: Sequence[tuple[str, Sequence[Any]]], t: Translator, *,
             value_title: str, x_title: str, current: float | None = None, current_label: str | None = None) -> Figure:
    """Shares (0–1) against the discoverability knob (0–1), with the setting in force marked."""
    figure = lines(title, list(knob), series, t, value_title=value_title, x_title=x_title, unit="percent", dates=False)
    figure["layout"]["xaxis"].update({"range": [-0.02, 1.02], "tickformat": ".1f"})
    if current is not None:
        figure["layout"]["shapes"] = [{"type": "line", "xref": "x", "yref": "paper", "x0": current, "x1": current,
                                       "y0": 0, "y1": 1, "line": {"color": "#3d405b", "dash": "dash", "width": 1.5}}]
        if current_label:
            figure["layout"]["annotations"] = [{"text": current_label, "showarrow": False, "xref": "x", "yref": "paper",
                                                "x": current, "y": 1.0, "xanchor": "left", "yanchor": "bottom",
                                                "font": {"size": 11, "color": "#3d405b"}}]
    return figure


def gains(title: str, shares: Sequence[float], series: Sequence[tuple[str, Sequence[Any]]], t: Translator, *,
          value_title: str, x_title: str, point: tuple[str, float, float] | None = None) -> Figure:
    """A gains curve: shares (0–1) of those who came found, against the share (0–1) of people on the
    list, most likely first; ``point`` (name, x, y) marks another list (one dot)."""
    figure = lines(title, [round(float(s) * 100, 2) for s in shares], series, t, value_title=value_title,
                   x_title=x_title, unit="percent", dates=False)
    suffix = "\u00a0%" if t.language == "fr" else "%"
    hover = "%{x:,.0f}" + suffix + " → " + _hover("percent", t)
    for trace in figure["data"]:
        trace["hovertemplate"] = hover + "<extra>" + trace["name"] + "</extra>"
    figure["layout"]["xaxis"].update({"range": [-1, 101], "ticksuffix": suffix})
    figure["layout"]["yaxis"]["range"] = [-1, 101]
    if point is not None:
        name, x, y = point
        figure["data"].append({"type": "scatter", "mode": "markers", "name": name, "x": [round(x * 100, 2)],
                               "y": [round(y * 100, 2)], "showlegend": True,
                               "marker": {"size": 11, "color": PALETTE[2], "symbol": "diamond"},
                               "hovertemplate": hover + "<extra>" + name + "</extra>"})
        figure["layout"]["showlegend"] = True
    return figure
