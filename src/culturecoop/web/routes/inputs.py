"""What every JSON request body of the API shares.

A field the request does not take is refused rather than ignored: a misspelt ``"holdot": 0.5``
would otherwise leave the campaign's default hold-out in place, unsaid. And ``true`` or ``false``
is no number: pydantic would read ``"months": true`` as one month.
"""

from __future__ import annotations

from typing import Any, get_args

from pydantic import BaseModel, ConfigDict, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from culturecoop.web.errors import NOT_A_FLAG


class ApiInput(BaseModel):
    """A request body: no unknown field, no true or false where the field is no yes-or-no."""

    model_config = ConfigDict(extra="forbid")

    @field_validator("*", mode="before")
    @classmethod
    def _no_flag_for_a_value(cls, value: Any, info: ValidationInfo) -> Any:
        if isinstance(value, bool) and info.field_name is not None:
            annotation = cls.model_fields[info.field_name].annotation
            if bool not in (annotation, *get_args(annotation)):
                raise PydanticCustomError(NOT_A_FLAG, "true or false given for a field that is no yes-or-no")
        return value
