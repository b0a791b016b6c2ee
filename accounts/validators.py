"""Validators for what a person types about themselves."""

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def validate_single_line(value: str) -> None:
    """Refuses line breaks and other control characters: a name is one line.

    A name travels into e-mail subjects and notification titles, where a line
    break would split a header (Django refuses it with BadHeaderError).
    """
    if any(unicodedata.category(ch) in {"Cc", "Zl", "Zp"} for ch in value):
        raise ValidationError(
            _("Write it on one line, without line breaks or control characters."),
            code="single_line",
        )
