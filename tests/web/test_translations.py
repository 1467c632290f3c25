"""Every dashboard string has its Ukrainian translation, with the same placeholders.

The strings are extracted the way `pybabel extract` would (templates through Jinja2's Babel
extractor, Python through Babel's, ``N_`` and ``_`` as keywords), so a string added to a
template without its translation fails here, naming the file and line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from starlette.requests import Request

from supplyline.web import i18n

WEB = Path(i18n.__file__).parent
# templates call _("...") and ngettext("...", "...", n); Python calls i18n.gettext(lang, "...")
TEMPLATES = ([("**/templates/**.html", "jinja2")], {"_": None, "gettext": None, "ngettext": (1, 2)})
PYTHON = ([("**.py", "python")], {"_": None, "N_": None, "gettext": (2,), "ngettext": (2, 3)})
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def _extracted() -> list[tuple[str, int, str | tuple[str, ...]]]:
    return [
        (filename, lineno, message)
        for methods, keywords in (TEMPLATES, PYTHON)
        for filename, lineno, message, _comments, _context in extract_from_dir(
            str(WEB), method_map=methods, keywords=keywords
        )
    ]


def test_the_extraction_finds_the_dashboards_strings():
    messages = {message for _f, _l, message in _extracted()}
    assert "Overview" in messages  # pages.py's navigation, marked with N_
    assert "Sign in" in messages  # base.html
    assert "Package %(id)s" in messages  # pages.py, i18n.gettext(lang, ...)


def test_every_string_has_a_ukrainian_translation_with_the_same_placeholders():
    catalogue = i18n.translations("uk")
    missing, mismatched = [], []
    for filename, lineno, message in _extracted():
        singulars = message if isinstance(message, tuple) else (message,)
        for msgid in singulars:
            if not msgid:
                continue
            text = catalogue.gettext(msgid)
            if text == msgid:
                missing.append(f"{filename}:{lineno}: {msgid!r}")
            elif set(PLACEHOLDER.findall(msgid)) != set(PLACEHOLDER.findall(text)):
                mismatched.append(f"{filename}:{lineno}: {msgid!r} -> {text!r}")
    assert not missing, "no Ukrainian translation for:\n" + "\n".join(missing)
    assert not mismatched, "placeholders differ:\n" + "\n".join(mismatched)


def _request(query: bytes = b"", cookie: str | None = None, accept: str | None = None) -> Request:
    headers = []
    if cookie:
        headers.append((b"cookie", f"lang={cookie}".encode()))
    if accept:
        headers.append((b"accept-language", accept.encode()))
    return Request({"type": "http", "query_string": query, "headers": headers})


@pytest.mark.parametrize(
    ("query", "cookie", "accept", "expected"),
    [
        (b"", None, None, "en"),
        (b"", None, "uk-UA,uk;q=0.9,en;q=0.5", "uk"),
        (b"", None, "de-DE,uk;q=0.8", "uk"),  # the first language we have, in the browser's order
        (b"", "uk", "en-GB", "uk"),  # the switch's choice outlives the browser's preference
        (b"lang=en", "uk", "uk", "en"),  # an explicit choice wins
        (b"lang=fr", None, None, "en"),  # a language we do not have falls back, never fails
    ],
)
def test_the_readers_language(query, cookie, accept, expected):
    assert i18n.request_language(_request(query, cookie, accept)) == expected


def test_numbers_and_dates_in_the_readers_locale():
    assert i18n.format_number("en", "572000000.5") == "572,000,000.50"
    assert i18n.format_number("uk", "572000000.5") == "572\xa0000\xa0000,50"
    assert i18n.format_number("en", 1234, places=0) == "1,234"
    assert i18n.format_date("en", "2025-12-02") == "2 Dec 2025"
    assert i18n.format_date("uk", "2025-12-02") == "2 груд. 2025\u202fр."


def test_ukrainian_plurals_follow_the_three_forms():
    # Ukrainian: 1 -> one, 2..4 -> few, 5..20 -> many; the catalogue's header says so
    plural = i18n.translations("uk").plural  # type: ignore[attr-defined]  # GNUTranslations sets plural at run time
    assert [plural(n) for n in (1, 2, 5, 11, 21, 22, 25)] == [0, 1, 2, 2, 0, 1, 2]
