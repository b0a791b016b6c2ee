"""Text as a reader sees it: the one form in which limits are matched.

A hard limit must not be talked around by writing its word so that it looks
the same but is made of other characters. ``as_read`` turns any text into the
form a reader perceives, and ``agreements.authority.touches`` compares only
in this form, on both sides (the limit's tags and the text it is matched
against):

1. Unicode NFKC: fullwidth, mathematical and other compatibility letters
   become the plain letters they stand for (``ｐｕｂｌｉｃ`` reads ``public``).
2. Invisible characters go: every format character (category Cf: zero-width
   space and joiners, soft hyphen, word joiner, byte-order mark, direction
   marks, ...) and the other default-ignorable code points (variation
   selectors, the combining grapheme joiner, Hangul fillers).
3. Case folded (``str.casefold``).
4. Confusable letters are reduced to one skeleton letter, following Unicode
   TS #39 (the confusables data as shipped by the ``confusable-homoglyphs``
   package): Cyrillic ``р``, Greek ``ρ`` and Latin ``p`` read the same.

Unlike the TS #39 skeleton, which is case sensitive, the classes here are
closed under case folding, so ``РUВLІС`` in Cyrillic capitals reads
``public`` too. Two classes that each hold a different ASCII letter or digit
are never joined (TS #39 counts ``I`` and ``l`` as one): ordinary words stay
apart. Only the digits TS #39 reads as letters stay with them: ``1`` with
``l`` and ``0`` with ``o``. Prototypes of more than one character (``m`` and
``rn``) are not used.
"""

import re
import string
import unicodedata
from functools import cache

from confusable_homoglyphs.confusables import confusables_data

_SPACES = re.compile(r"\s+")
_ASCII = frozenset(string.ascii_lowercase + string.digits)
# Digits and letters TS #39 reads alike, joined even though both are ASCII.
_DIGIT_LETTERS = (frozenset({"1", "l"}), frozenset({"0", "o"}))

# Default-ignorable code points outside category Cf (Unicode's
# DerivedCoreProperties): rendered as nothing.
_IGNORABLE_RANGES = (
    (0x034F, 0x034F),  # combining grapheme joiner
    (0x115F, 0x1160),  # Hangul choseong and jungseong fillers
    (0x17B4, 0x17B5),  # Khmer inherent vowels
    (0x180B, 0x180F),  # Mongolian free variation selectors and vowel separator
    (0x3164, 0x3164),  # Hangul filler
    (0xFE00, 0xFE0F),  # variation selectors
    (0xFFA0, 0xFFA0),  # halfwidth Hangul filler
    (0xE0100, 0xE01EF),  # variation selectors supplement
)


def _invisible(char: str) -> bool:
    if unicodedata.category(char) == "Cf":
        return True
    code = ord(char)
    return any(low <= code <= high for low, high in _IGNORABLE_RANGES)


class _Classes:
    """Union-find over single characters, refusing to join two ASCII letters."""

    def __init__(self) -> None:
        self.parent: dict[str, str] = {}
        self.ascii: dict[str, frozenset[str]] = {}

    def find(self, char: str) -> str:
        if char not in self.parent:
            self.parent[char] = char
            folded = char.casefold()
            self.ascii[char] = frozenset({folded} & _ASCII)
        root = char
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[char] != root:
            self.parent[char], char = root, self.parent[char]
        return root

    def join(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return
        both = self.ascii[ra] | self.ascii[rb]
        apart = self.ascii[ra] and self.ascii[rb] and self.ascii[ra] != self.ascii[rb]
        if apart and both not in _DIGIT_LETTERS:
            return
        self.parent[ra] = rb
        self.ascii[rb] = self.ascii[ra] | self.ascii[rb]


@cache
def _skeleton_table() -> dict[int, str]:
    """Returns the map from each confusable character to its class's letter."""
    classes = _Classes()
    pairs = [
        (source, found["c"])
        for source, homoglyphs in confusables_data.items()
        if len(source) == 1
        for found in homoglyphs
        if len(found["c"]) == 1
    ]
    chars = {c for pair in pairs for c in pair} | set(string.ascii_letters)
    for char in sorted(chars):
        if len(folded := char.casefold()) == 1:
            classes.join(char, folded)
    # Lower-case look-alikes first: Cyrillic "і" joins "i" before its capital
    # "І" could pull it towards "l" (capital I and small l look alike).
    lower = [p for p in pairs if all(c == c.casefold() for c in p)]
    for a, b in sorted(lower) + sorted(set(pairs) - set(lower)):
        classes.join(a, b)
    members: dict[str, list[str]] = {}
    for char in classes.parent:
        members.setdefault(classes.find(char), []).append(char)
    table: dict[int, str] = {}
    for group in members.values():
        folded = sorted({c.casefold() for c in group})
        letter = next(
            (c for c in folded if c in string.ascii_lowercase),
            next((c for c in folded if c in _ASCII), folded[0]),
        )
        for char in group:
            if char != letter:
                table[ord(char)] = letter
    return table


def as_read(text: str) -> str:
    """Returns ``text`` as a reader sees it: NFKC, invisible characters removed,
    case folded, confusable letters reduced to one skeleton letter, runs of
    white space made one space, trimmed."""
    table = _skeleton_table()
    text = "".join(c for c in text if not _invisible(c))
    # Reduced once before NFKC too: NFKC turns some look-alikes into other
    # letters (the lunate sigma "ϲ", which reads "c", into a sigma).
    text = text.casefold().translate(table)
    text = unicodedata.normalize("NFKC", text)
    text = "".join(c for c in text if not _invisible(c)).casefold().translate(table)
    return _SPACES.sub(" ", text).strip()
