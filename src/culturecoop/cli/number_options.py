"""Number options no command can use are refused before any command runs.

Typer reads ``nan``, ``inf`` and ``1e308`` as floats and any run of digits as an int; a service
then stores NaN as a privacy ε, or hands 10^12 to a warehouse INTEGER column or a date and ends
on an internal error. Every ``float`` option must be finite and every ``int`` option must fit the
warehouse's INTEGER range; the services keep their own, narrower bounds.

A share written as a percentage (``--holdout "30 %"``) is asked back as the fraction to write
(``--holdout 0,3``). A number written the French way is read as the reader wrote it: ``--cap 0,4`` (Typer refused it
as « il faut un nombre »), ``--patrons "20 000"``; a comma before exactly three digits (``1,000``:
a thousand in English, one in French) is refused with both readings rather than guessed.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import Any

from typer._click import Command, Context, Parameter

from culturecoop.cli.help_i18n import commands_of
from culturecoop.errors import UserError
from culturecoop.i18n import _, count, general

# The warehouse's INTEGER: the widest whole number every column and date computation takes.
LARGEST_WHOLE = 2**31 - 1

_Callback = Callable[[Context, Parameter, Any], Any]


# A share written as a percentage: « 30 % », « 12,5% ».
_PERCENT = re.compile(r"([-+]?\d+(?:[.,]\d+)?)\s*%")
# Groups of three digits after a space of any width (« 20 000 », « 1 234,5 »), then a decimal comma.
_FRENCH_NUMBER = re.compile(r"([-+]?\d{1,3}(?:[ \u00a0\u202f]\d{3})+|[-+]?\d+)(?:,(\d+))?")


def guard_numbers(command: Command) -> None:
    """Give every int and float option of ``command`` and its subcommands the check above, and let
    them read a number written the French way."""
    for each in commands_of(command):
        for param in each.params:
            annotation = getattr(getattr(param, "type_descriptor", None), "annotation", None)
            if annotation is float or annotation is int:
                param.callback = _guarded(param.callback)
                _read_french_numbers(param, annotation is float)


def _read_french_numbers(param: Parameter, decimal: bool) -> None:
    coerce = param.process_value

    def process_value(ctx: Context, value: Any) -> Any:
        if isinstance(value, list | tuple):
            value = type(value)(_as_typed(param, v, decimal) for v in value)
        else:
            value = _as_typed(param, value, decimal)
        return coerce(ctx, value)

    param.process_value = process_value  # type: ignore[method-assign]


def _as_typed(param: Parameter, value: Any, decimal: bool) -> Any:
    """``value`` as Typer reads numbers (``0.4``, ``20000``) when it is one written the French way;
    anything else as it came (Typer says what is wrong with it)."""
    if not isinstance(value, str):
        return value
    percent = _PERCENT.fullmatch(value.strip())
    if decimal and percent:
        # « --holdout 30 % »: every share option takes a fraction of 1; said with the one to write.
        option = param.opts[0] if param.opts else (param.name or "")
        raise UserError(_("{option} {value} is a percentage; give it as a share of 1, e.g. {option} {share}.").format(
            option=option, value=value, share=general(float(percent.group(1).replace(",", ".")) / 100)))
    written = _FRENCH_NUMBER.fullmatch(value.strip())
    if written is None or (written.group(2) is None and written.group(1).lstrip("+-").isdigit()):
        return value
    whole, part = re.sub(r"\s", "", written.group(1)), written.group(2)
    if part is None:
        return whole
    if not decimal:
        return value
    grouped = re.search(r"[ \u00a0\u202f]", written.group(1)) is not None  # « 1 234,567 » is French as written
    if len(part) == 3 and whole.lstrip("+-") not in ("0", "") and not grouped:
        option = param.opts[0] if param.opts else (param.name or "")
        raise UserError(_("{option} {value} reads as {grouped} or as {decimal}; write the number you mean without a "
                          "thousands separator: {grouped} or {decimal}.").format(
            option=option, value=value, grouped=whole + part, decimal=general(float(f"{whole}.{part}"))))
    return f"{whole}.{part}"


def _guarded(callback: _Callback | None) -> _Callback:
    def check(ctx: Context, param: Parameter, value: Any) -> Any:
        for number in value if isinstance(value, list | tuple) else [value]:
            _check(ctx, param, number)
        return callback(ctx, param, value) if callback is not None else value

    return check


def _check(ctx: Context, param: Parameter, value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return
    option = param.opts[0] if param.opts else (param.name or "")
    names = []
    each: Context | None = ctx
    while each is not None and each.parent is not None:
        names.append(each.info_name or "")
        each = each.parent
    command = " ".join(["culturecoop", *reversed(names)])
    if isinstance(value, float) and not math.isfinite(value):
        raise UserError(_("{option} {value} is not a number a command can use; give a finite number "
                          "(see `{command} --help`).").format(option=option, value=value, command=command))
    # The option's own bounds are the command's to say (a count of people is at least 1): this says
    # only the side the number went past, in the reader's way of writing numbers.
    if isinstance(value, int) and abs(value) > LARGEST_WHOLE:
        said = (_("{option} {value} is too large for any command; give a whole number of at most {largest} "
                  "(see `{command} --help`).") if value > 0 else
                _("{option} {value} is too small for any command; give a whole number of at least -{largest} "
                  "(see `{command} --help`)."))
        raise UserError(said.format(option=option, value=value, largest=count(LARGEST_WHOLE), command=command))
