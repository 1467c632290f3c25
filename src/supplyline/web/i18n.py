"""The dashboard's languages: English (the source strings) and Ukrainian (Babel catalogues).

Strings are marked in templates as ``{{ _("English text") }}`` (new-style: placeholders are
``%(name)s`` filled from keyword arguments) and in Python with :func:`N_`, then rendered
through ``_``. The Ukrainian catalogue is every ``.po`` file under
``locale/uk/LC_MESSAGES/``, merged when first needed: each area of the dashboard keeps its
own file so that its strings change with it, and no compiled ``.mo`` is kept beside the
source it would drift from. Record data (names, ids, descriptions) is shown as entered.

The reader's language comes from ``?lang=`` (which the switch also remembers in a cookie),
then the cookie, then ``Accept-Language``; English otherwise.
"""

from __future__ import annotations

import gettext as stdlib_gettext
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from io import BytesIO
from pathlib import Path
from typing import Any

from babel import Locale, dates, numbers
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LANGUAGES = ("en", "uk")
DEFAULT = "en"
COOKIE = "lang"
LOCALE_DIR = Path(__file__).parent / "locale"
LOCALES = {"en": "en_GB", "uk": "uk_UA"}  # en_GB: day-first dates, as the partners read them


def N_(message: str) -> str:
    """Marks a string for the catalogue where it is defined; it is translated where shown."""
    return message


@cache
def translations(lang: str) -> stdlib_gettext.NullTranslations:
    """The merged catalogue of one language (the identity for English)."""
    merged: stdlib_gettext.NullTranslations = stdlib_gettext.NullTranslations()
    directory = LOCALE_DIR / lang / "LC_MESSAGES"
    if lang == DEFAULT or not directory.is_dir():
        return merged
    first: stdlib_gettext.GNUTranslations | None = None
    for path in sorted(directory.glob("*.po")):
        with path.open("rb") as handle:
            catalog = read_po(handle, locale=lang)
        buffer = BytesIO()
        write_mo(buffer, catalog, use_fuzzy=False)
        buffer.seek(0)
        part = stdlib_gettext.GNUTranslations(buffer)
        if first is None:
            first = part
        else:
            first._catalog.update(part._catalog)  # type: ignore[attr-defined]  # one merged catalogue
    return first or merged


def language(query: str | None = None, cookie: str | None = None, accept: str | None = None) -> str:
    """The reader's language: an explicit choice, then the remembered one, then the browser's."""
    for choice in (query, cookie):
        if choice in LANGUAGES:
            return str(choice)
    for part in (accept or "").split(","):
        tag = part.split(";")[0].strip().lower()
        if tag[:2] in LANGUAGES:
            return tag[:2]
    return DEFAULT


def request_language(request: Any) -> str:
    """:func:`language` read from a Starlette request."""
    return language(
        request.query_params.get("lang"), request.cookies.get(COOKIE), request.headers.get("accept-language")
    )


def gettext(lang: str, message: str, **variables: Any) -> str:
    text = translations(lang).gettext(message)
    return text % variables if variables else text


def ngettext(lang: str, singular: str, plural: str, n: int, **variables: Any) -> str:
    text = translations(lang).ngettext(singular, plural, n)
    return text % {"num": n, **variables}


def format_number(lang: str, value: Decimal | int | str | None, places: int = 2) -> str:
    """A number in the reader's locale, exactly as recorded (no float on the way)."""
    if value is None:
        return "—"
    pattern = "#,##0" + ("." + "0" * places if places else "")
    return numbers.format_decimal(Decimal(value), format=pattern, locale=LOCALES[lang], decimal_quantization=True)


def format_date(lang: str, value: date | datetime | str | None) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, str):
        value = date.fromisoformat(value[:10])
    if isinstance(value, datetime):
        value = value.date()
    return dates.format_date(value, format="medium", locale=LOCALES[lang])


def template_context(lang: str) -> dict[str, Any]:
    """What every page's template reads for its strings, numbers and dates."""

    def _(message: str, **variables: Any) -> str:
        return gettext(lang, message, **variables)

    def n_(singular: str, plural: str, n: int, **variables: Any) -> str:
        return ngettext(lang, singular, plural, n, **variables)

    return {
        "_": _,
        "gettext": _,
        "ngettext": n_,
        "lang": lang,
        "other_lang": "en" if lang == "uk" else "uk",
        "locale_name": Locale.parse(LOCALES[lang]).get_display_name(LOCALES[lang]),
    }
