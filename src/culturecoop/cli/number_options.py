"""Number options no command can use are refused before any command runs.

Typer reads ``nan``, ``inf`` and ``1e308`` as floats and any run of digits as an int; a service
then stores NaN as a privacy ε, or hands 10^12 to a warehouse INTEGER column or a date and ends
on an internal error. Every ``float`` option must be finite and every ``int`` option must fit the
warehouse's INTEGER range; the services keep their own, narrower bounds.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from typer._click import Command, Context, Parameter

from culturecoop.cli.help_i18n import commands_of
from culturecoop.errors import UserError
from culturecoop.i18n import _, count

# The warehouse's INTEGER: the widest whole number every column and date computation takes.
LARGEST_WHOLE = 2**31 - 1

_Callback = Callable[[Context, Parameter, Any], Any]


def guard_numbers(command: Command) -> None:
    """Give every int and float option of ``command`` and its subcommands the check above."""
    for each in commands_of(command):
        for param in each.params:
            annotation = getattr(getattr(param, "type_descriptor", None), "annotation", None)
            if annotation is float or annotation is int:
                param.callback = _guarded(param.callback)


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
