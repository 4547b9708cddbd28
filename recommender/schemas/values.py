"""Profile values as people write them: numbers in digits, readable text, vocabulary words,
catalog names (checked by the schema against the app's catalog)."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from marshmallow import ValidationError, fields, validate

from ..vocabulary import as_word, choice_message

# Numbers written as people write them, in ASCII digits only: float() and Decimal() also take
# '1_0', full-width '１０', Arabic-Indic '٤', '1e3', 'nan' and 'inf', which nobody means.
PLAIN_NUMBER = re.compile(r"[0-9]+(?:\.[0-9]*)?|\.[0-9]+")


def number(lowest: float, highest: float, what: str, **kwargs: Any) -> Number:
    return Number(
        validate=validate.Range(
            min=lowest, max=highest, error=f"Enter {what}, from {lowest:g} to {highest:g}."
        ),
        error_messages={
            key: f"Enter {what} as a number in digits, e.g. 4 or 2.5."
            for key in ("invalid", "special", "too_large")
        },
        **kwargs,
    )


class Number(fields.Float):
    """A number: a JSON number, or text of plain ASCII digits (forms and CSV send text).

    Refuses booleans (JSON true is not 1 year of experience), NaN and infinities. A
    schema with `numbers_from_text` False (the JSON API's) takes JSON numbers only.
    """

    def __init__(self, **kwargs: Any):
        super().__init__(allow_nan=False, **kwargs)

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> Any:
        if isinstance(value, bool):
            raise self.make_error("invalid")
        if isinstance(value, str):
            text = value.strip()
            if not getattr(self.parent, "numbers_from_text", True):
                raise self.make_error("invalid")
            if not PLAIN_NUMBER.fullmatch(text):
                raise self.make_error("invalid")
            value = text
        elif not isinstance(value, int | float):
            raise self.make_error("invalid")
        try:
            return super()._deserialize(value, attr, data, **kwargs)
        except OverflowError:  # an integer of hundreds of digits
            raise self.make_error("invalid") from None


def control_characters(value: str) -> bool:
    # Cc: NUL, tab, newline, escape...; Cs: lone surrogates, which JSON can carry.
    return any(unicodedata.category(c) in ("Cc", "Cs") for c in value)


class Text(fields.String):
    """A string of readable characters: no NUL or other control character."""

    default_error_messages = {
        "control": "Must not contain control characters (such as NUL or a line break)."
    }

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> Any:
        text = super()._deserialize(value, attr, data, **kwargs)
        if control_characters(text):
            raise self.make_error("control")
        return text


class Word(Text):
    """One of a fixed vocabulary, spelt as people write it ('Customer Service').

    An unknown word is answered with the choices and, when one is close, a suggestion.
    """

    def __init__(self, choices: tuple[str, ...], **kwargs: Any):
        # OpenAPI 3.0: null is valid for a nullable enum only if the enum lists it too.
        enum = [*choices, None] if kwargs.get("allow_none") else list(choices)
        metadata = {**kwargs.pop("metadata", {}), "enum": enum}
        super().__init__(metadata=metadata, **kwargs)
        self.choices = choices

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> Any:
        word = as_word(super()._deserialize(value, attr, data, **kwargs))
        if word not in self.choices:
            raise ValidationError(choice_message(value, self.choices))
        return word


class CatalogList(fields.List):
    """A list of catalog names (designations, courses, discounts), checked by the schema.

    `catalog_names` says which of the catalog's names the OpenAPI document lists as the
    choices (see recommender.api.docs: the document is made with the app's catalog).
    """

    def __init__(self, catalog_names: str, **kwargs: Any):
        super().__init__(Text(validate=validate.Length(min=1, max=40)), load_default=list, **kwargs)
        self.catalog_names = catalog_names


class CatalogName(Text):
    """One catalog name (an API path, a CPCU elective) or not_sure, checked by the schema.

    `catalog_names` is the Catalog attribute listing the choices, for the OpenAPI document.
    """

    def __init__(self, catalog_names: str, **kwargs: Any):
        super().__init__(validate=validate.Length(min=1, max=40), **kwargs)
        self.catalog_names = catalog_names
