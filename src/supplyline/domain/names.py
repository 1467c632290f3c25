"""Users' words compared as people read them: case, accents and spacing do not matter.

A spreadsheet says "Deutschland", "  germany", "Türkiye" or "Turkiye"; a dashboard label says
"air defence" where the code is ``air_defence``. These two foldings are the one definition of
"the same word" for codes, party names and aliases, so a match is rebuildable from the ledger.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_SPACING = re.compile(r"\s+")
_CODE_GAPS = re.compile(r"[\s\-_]+")


@lru_cache(maxsize=1 << 16)  # a file repeats its donors and words on every row
def fold(text: str) -> str:
    """'  Türkiye ' -> 'turkiye': case-, accent- and spacing-insensitive form of a name."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACING.sub(" ", bare).strip().casefold()


@lru_cache(maxsize=1 << 12)
def as_code(text: str) -> str:
    """'Air defence' / 'air-defence' / 'AIR_DEFENCE' -> 'air_defence' (a label as a code)."""
    return _CODE_GAPS.sub("_", fold(text)).strip("_")
