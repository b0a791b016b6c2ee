"""One search over what a dynamic talked about: matters, decisions, journal
entries and weekly reviews, in four queries.

On PostgreSQL it is full-text search (``django.contrib.postgres``), ranked,
each word matching as a prefix, with the "simple" configuration because
couples write in any language. On SQLite every word must appear somewhere in
the texts (``icontains``), newest first.

What is searched is scoped like every page: the caller passes the membership
``access.require`` returned, matters and reviews are the dynamic's, and
journal entries are read through ``JournalEntry.objects.visible_to``, so a
partner's private entry is never matched, listed or counted. Check-ins are
not searched at all: a private answer cannot turn up.
"""

import re
from dataclasses import dataclass, field
from functools import reduce
from operator import and_, or_

from django.db import connection
from django.db.models import Exists, F, OuterRef, Q, QuerySet

from dynamics.models import Membership
from talk.models import JournalEntry, Matter, MatterComment, ReviewNote

# Results per kind: a search is for finding, not for reading everything.
LIMIT = 20
MAX_QUERY = 100
SETTLED = [Matter.State.DECIDED, Matter.State.ACCEPTED, Matter.State.DECLINED]
_WORD = re.compile(r"\w+")


def words_of(query: str) -> list[str]:
    """Returns the words searched for (at most eight), lower case."""
    return [w.lower() for w in _WORD.findall(query[:MAX_QUERY])][:8]


@dataclass(frozen=True)
class ReviewHit:
    """A weekly review with the notes that matched."""

    review_id: int
    week_start: object
    notes: list[ReviewNote]


@dataclass(frozen=True)
class Results:
    query: str
    words: list[str]
    full_text: bool
    open_matters: list[Matter] = field(default_factory=list)
    decisions: list[Matter] = field(default_factory=list)
    entries: list[JournalEntry] = field(default_factory=list)
    reviews: list[ReviewHit] = field(default_factory=list)

    @property
    def total(self) -> int:
        return (
            len(self.open_matters)
            + len(self.decisions)
            + len(self.entries)
            + len(self.reviews)
        )

    @property
    def limit(self) -> int:
        return LIMIT


def uses_full_text() -> bool:
    return connection.vendor == "postgresql"


def _contains(words: list[str], fields: list[str], extra=None) -> Q:
    """Every word appears in one of ``fields`` (or matches ``extra(word)``)."""
    per_word = []
    for word in words:
        anywhere = [Q(**{f"{name}__icontains": word}) for name in fields]
        if extra is not None:
            anywhere.append(extra(word))
        per_word.append(reduce(or_, anywhere))
    return reduce(and_, per_word)


def _ranked(qs: QuerySet, words: list[str], weighted: dict[str, str], extra=None):
    """Filters ``qs`` by full-text match of ``words`` and orders by rank."""
    from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

    query = SearchQuery(
        " & ".join(f"{w}:*" for w in words), search_type="raw", config="simple"
    )
    vector = reduce(
        lambda a, b: a + b,
        (
            SearchVector(name, weight=weight, config="simple")
            for name, weight in weighted.items()
        ),
    )
    match = Q(search=query)
    if extra is not None:
        match |= extra(query)
    return (
        qs.annotate(search=vector, rank=SearchRank(vector, query))
        .filter(match)
        .order_by("-rank", "-pk")
    )


def _discussion_matches(query) -> Exists:
    from django.contrib.postgres.search import SearchVector

    return Exists(
        MatterComment.objects.annotate(
            search=SearchVector("body", config="simple")
        ).filter(matter=OuterRef("pk"), search=query)
    )


def _discussion_contains(word: str) -> Exists:
    return Exists(
        MatterComment.objects.filter(matter=OuterRef("pk"), body__icontains=word)
    )


MATTER_FIELDS = {"title": "A", "body": "B", "decision": "B", "reason": "B"}
ENTRY_FIELDS = {"title": "A", "prompt": "B", "body": "B"}


def search(me: Membership, query: str) -> Results:
    """Returns what matches ``query`` in the dynamic, grouped by kind.

    Four queries (none for an empty query).
    """
    words = words_of(query)
    full_text = uses_full_text()
    query = query.strip()[:MAX_QUERY]
    if not words:
        return Results(query=query, words=[], full_text=full_text)
    matters = Matter.objects.filter(dynamic_id=me.dynamic_id).exclude(
        state=Matter.State.WITHDRAWN
    )
    entries = (
        JournalEntry.objects.visible_to(me.user)
        .filter(dynamic_id=me.dynamic_id)
        .select_related("author")
    )
    notes = ReviewNote.objects.filter(review__dynamic_id=me.dynamic_id).select_related(
        "review", "author"
    )
    if full_text:
        matters = _ranked(matters, words, MATTER_FIELDS, _discussion_matches)
        entries = _ranked(entries, words, ENTRY_FIELDS)
        notes = _ranked(notes, words, {"body": "A"})
    else:
        matters = matters.filter(
            _contains(words, list(MATTER_FIELDS), _discussion_contains)
        ).order_by(F("closed_at").desc(nulls_first=True), "-opened_at", "-pk")
        entries = entries.filter(_contains(words, list(ENTRY_FIELDS))).order_by(
            "-created_at", "-pk"
        )
        notes = notes.filter(_contains(words, ["body"])).order_by(
            "-review__week_start", "created_at"
        )
    settled = list(
        matters.filter(state__in=SETTLED).select_related("closed_by")[:LIMIT]
    )
    still_open = list(matters.filter(state=Matter.State.OPEN)[:LIMIT])
    reviews: dict[int, ReviewHit] = {}
    for note in notes[: LIMIT * 3]:
        hit = reviews.setdefault(
            note.review_id, ReviewHit(note.review_id, note.review.week_start, [])
        )
        hit.notes.append(note)
    return Results(
        query=query,
        words=words,
        full_text=full_text,
        open_matters=still_open,
        decisions=settled,
        entries=list(entries[:LIMIT]),
        reviews=list(reviews.values())[:LIMIT],
    )
