"""Limits are matched against text as a reader sees it (issue 16, item 3).

Look-alike spellings of every limit word (zero-width characters, soft
hyphens, Cyrillic and Greek letters, fullwidth letters, other case) still
touch the limit; ordinary words never touch one they do not contain.
"""

import string
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from agreements.authority import Facts, LimitFact, decide, touches
from agreements.reading import as_read
from instep.errors import Refused

LIMIT_WORDS = ["public", "yoga", "money", "photos", "savings", "strangers", "kneel"]

# Look-alikes written out by hand, independent of the data the code reads:
# Cyrillic, Greek and other letters a reader takes for the Latin one.
HOMOGLYPHS = {
    "a": "аα",
    "b": "Ь",
    "c": "сϲ",
    "d": "ԁ",
    "e": "е",
    "g": "ɡ",
    "h": "һ",
    "i": "іιı",
    "j": "ј",
    "k": "κ",
    "l": "ⅼ1",
    "n": "ո",
    "o": "оο0",
    "p": "рρ",
    "q": "ԛ",
    "s": "ѕ",
    "u": "υ",
    "v": "ν",
    "w": "ԝ",
    "x": "хχ",
    "y": "уγ",
}
INVISIBLE = [
    "\u200b",  # zero-width space
    "\u200c",  # zero-width non-joiner
    "\u200d",  # zero-width joiner
    "\u2060",  # word joiner
    "\ufeff",  # zero-width no-break space
    "\u00ad",  # soft hyphen
    "\u200e",  # left-to-right mark
    "\u034f",  # combining grapheme joiner
    "\ufe0f",  # variation selector
]
ORDINARY = [
    "make", "the", "bed", "tidy", "kitchen", "walk", "dog", "read", "book",
    "write", "letter", "call", "mother", "water", "plants", "evening", "tea",
    "stretch", "morning", "greeting", "laundry", "fold", "shirts", "bedtime",
    "journal", "cook", "dinner", "quiet", "hour", "garden", "weeds", "publish",
    "pubic", "yogurt", "monkey", "photograph", "saving", "stranger", "kneeling",
    "yoke", "phone", "republic", "photo", "knee", "honey",
]  # fmt: skip


def fullwidth(char: str) -> str:
    return chr(ord(char) + 0xFEE0) if char in string.ascii_letters else char


@st.composite
def lookalike(draw, word: str) -> str:
    """A spelling of ``word`` that reads the same: each letter as itself, in
    capitals, fullwidth or as a homoglyph, with invisible characters between."""
    out = []
    for char in word:
        choices = [char, char.upper(), fullwidth(char), *HOMOGLYPHS.get(char, "")]
        out.append(draw(st.sampled_from(choices)))
        out.append("".join(draw(st.lists(st.sampled_from(INVISIBLE), max_size=2))))
    return "".join(out)


@given(data=st.data(), word=st.sampled_from(LIMIT_WORDS))
def test_property_a_lookalike_of_a_limit_word_touches_the_limit(data, word):
    text = data.draw(lookalike(word))
    assert touches(frozenset({word}), f"Please do {text} tonight") == word
    assert touches(frozenset({word}), [text]) == word


@given(data=st.data(), word=st.sampled_from(LIMIT_WORDS))
def test_property_a_lookalike_title_is_refused_as_a_hard_limit(data, word):
    text = data.draw(lookalike(word))
    facts = Facts(
        version_number=1,
        depths={"household": "full"},
        limits=(LimitFact("follower", "hard", "Never", frozenset({word})),),
    )
    with pytest.raises(Refused) as refusal:
        decide(
            facts,
            domain="household",
            text_or_tags=f"Evening {text}",
            at=datetime(2026, 11, 23, tzinfo=UTC),
        )
    assert refusal.value.code == "hard_limit"


@given(
    words=st.lists(st.sampled_from(ORDINARY), min_size=1, max_size=8),
    limit=st.sampled_from(LIMIT_WORDS),
)
def test_property_ordinary_words_do_not_touch_a_limit_they_do_not_contain(words, limit):
    assert touches(frozenset({limit}), " ".join(words)) == ""
    assert touches(frozenset({limit}), words) == ""


@given(st.text(alphabet=string.ascii_lowercase + " ", max_size=40))
def test_property_plain_lower_case_text_reads_as_itself(text):
    assert as_read(text) == " ".join(text.split())


@pytest.mark.parametrize(
    "written",
    ["p\u200bublic", "p\u00adublic", "рublіс", "ｐｕｂｌｉｃ", "РUВLІС", "PUBLIC"],
)
def test_the_reported_spellings_of_public_read_as_public(written):
    assert as_read(written) == "public"
