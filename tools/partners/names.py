"""Finding a partner by the words a person typed (misspelt, partial, any script).

Name matching works on a normalised form (see `normalize_name`) of every partner's name
and partner_key. Each call runs one SELECT of (id, name, key); the derived index is reused
only when those columns are identical (it is keyed by them), so it is never stale.
0. A name or key typed exactly is looked up directly.
1. An exact normalised match of a name or key wins outright.
2. Otherwise each partner scores 0–100: the whole name (plain and token-sorted ratio), or
   0.9 × the best ratio against a run of consecutive words in the name ('northwind' in
   'Northwind Traders'), or 90 when the query starts a word run ('brightwave m').
3. Scores below MATCH_THRESHOLD (75) are not matches. If more than one partner scores
   within AMBIGUITY_MARGIN (4 points) of the best, the name is ambiguous.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz, process
from sqlalchemy.orm import Session

from storage.models import Partner
from storage.queries import partners as queries
from tools.errors import AmbiguousPartner, NotFound, PartnerNotFound

MATCH_THRESHOLD = 75.0
"""Lowest score (0–100) that counts as a match; 'atlass' → 'Atlas Outdoor Co.' scores ~82."""
AMBIGUITY_MARGIN = 4.0
SUGGEST_THRESHOLD = 60.0
"""Names scoring below this (WRatio) are not offered as 'closest names': unrelated names
typically score 35–50, a misspelling of a real partner 80+."""
"""Partners scoring within this many points of the best are all candidates."""
PARTIAL_WEIGHT = 0.9
"""A match on part of a name counts less than the same match on the whole name."""
MAX_WINDOW = 5
"""Longest run of consecutive words compared on its own."""
MAX_CANDIDATES = 5

# --- normalisation --------------------------------------------------------------------------

_FOLD = str.maketrans(
    {
        "ł": "l", "ø": "o", "đ": "d", "ð": "d", "ħ": "h", "ı": "i", "ŀ": "l", "ŧ": "t",
        "æ": "ae", "œ": "oe", "þ": "th", "ß": "ss", "&": " and ", "+": " and ",
        "'": "", "’": "", "`": "", "´": "",
    }
)  # fmt: skip
_NOT_WORD = re.compile(r"[^\w]+|_")


@lru_cache(maxsize=65536)
def normalize_name(s: str) -> str:
    """The form names are compared in: case- and accent-free, '&' as 'and', no punctuation.

    Accents are stripped from Latin letters only (Ż → z, é → e, ł → l); other scripts keep
    their letters ('Ромашка Медиа' → 'ромашка медиа', '서울 뷰티랩' unchanged).
    """
    folded = s.casefold().translate(_FOLD)
    if not folded.isascii():
        folded = _strip_latin_marks(folded)
    return " ".join(_NOT_WORD.sub(" ", folded).split())


def _strip_latin_marks(text: str) -> str:
    kept: list[str] = []
    for char in unicodedata.normalize("NFKD", text):
        if unicodedata.combining(char) and kept and kept[-1].isascii():
            continue
        kept.append(char)
    return unicodedata.normalize("NFC", "".join(kept))


@lru_cache(maxsize=65536)
def _windows(normalised: str) -> tuple[str, ...]:
    """Every run of 1..MAX_WINDOW consecutive words, except the whole name itself."""
    words = normalised.split()
    runs = {
        " ".join(words[i : i + size])
        for size in range(1, min(MAX_WINDOW, len(words)) + 1)
        for i in range(len(words) - size + 1)
    }
    runs.discard(normalised)
    return tuple(sorted(runs))


# --- resolution -----------------------------------------------------------------------------


@dataclass(frozen=True)
class _NameIndex:
    """Normalised names of one set of partners, laid out for rapidfuzz's batch scorers."""

    names: dict[int, str]
    exact: dict[str, frozenset[int]]
    wholes: list[str]
    sorted_wholes: list[str]
    whole_owner: list[int]
    runs: list[str]
    run_owner: list[int]
    joined: str
    line_starts: list[int]


@lru_cache(maxsize=4)
def _build_index(ids: tuple[int, ...], names: tuple[str, ...], keys: tuple[str, ...]) -> _NameIndex:
    """Keyed by the columns themselves, so a changed, added or removed partner is a new index."""
    exact: dict[str, set[int]] = {}
    wholes: list[str] = []
    runs: list[str] = []
    run_owner: list[int] = []
    for pid, name, key in zip(ids, names, keys, strict=True):
        whole = normalize_name(name)
        exact.setdefault(whole, set()).add(pid)
        exact.setdefault(normalize_name(key), set()).add(pid)
        wholes.append(whole)
        for run in _windows(whole):
            runs.append(run)
            run_owner.append(pid)
    line_starts = []
    offset = 0
    for whole in wholes:
        line_starts.append(offset)
        offset += len(whole) + 1
    return _NameIndex(
        names=dict(zip(ids, names, strict=True)),
        exact={text: frozenset(members) for text, members in exact.items()},
        wholes=wholes,
        sorted_wholes=[_sorted_words(w) for w in wholes],
        whole_owner=list(ids),
        runs=runs,
        run_owner=run_owner,
        joined="\n".join(wholes),
        line_starts=line_starts,
    )


def _sorted_words(text: str) -> str:
    return " ".join(sorted(text.split()))


def _index(session: Session) -> _NameIndex:
    """One SELECT of (id, name, key) per call; the derived index is reused only if unchanged."""
    rows = queries.name_rows(session)
    ids = tuple(row[0] for row in rows)
    names = tuple(row[1] for row in rows)
    keys = tuple(row[2] for row in rows)
    return _build_index(ids, names, keys)


def _scores(query: str, index: _NameIndex) -> dict[int, float]:
    """Each partner's best score for `query` (normalised) at or above MATCH_THRESHOLD."""
    best: dict[int, float] = {}

    def keep(owner: int, score: float) -> None:
        if score > best.get(owner, 0.0):
            best[owner] = score

    for text, wholes in ((query, index.wholes), (_sorted_words(query), index.sorted_wholes)):
        for _, score, i in process.extract(
            text, wholes, scorer=fuzz.ratio, score_cutoff=MATCH_THRESHOLD, limit=None
        ):
            keep(index.whole_owner[i], score)
    run_cutoff = MATCH_THRESHOLD / PARTIAL_WEIGHT
    for _, score, i in process.extract(
        query, index.runs, scorer=fuzz.ratio, score_cutoff=run_cutoff, limit=None
    ):
        keep(index.run_owner[i], score * PARTIAL_WEIGHT)
    if len(query) >= 3:  # the query starts a word of the name: 'brightwave m', 'northw'
        at = index.joined.find(query)
        while at >= 0:
            if at == 0 or index.joined[at - 1] in " \n":
                line = bisect_right(index.line_starts, at) - 1
                keep(index.whole_owner[line], 100.0 * PARTIAL_WEIGHT)
            at = index.joined.find(query, at + 1)
    return best


def resolve_partner(session: Session, name: str) -> Partner:
    """The partner `name` refers to (exact, partial or misspelt; any script).

    Raises AmbiguousPartner when several partners fit about equally well, and
    PartnerNotFound (with up to three closest names) when none fits.
    """
    typed = name.strip()
    query = normalize_name(typed)
    if not query:
        raise PartnerNotFound(typed, [])
    as_typed = queries.ids_named_exactly(session, typed)
    if len(set(as_typed)) == 1:  # the common case: a name or key copied exactly
        return _load(session, as_typed[0])
    index = _index(session)
    exact = index.exact.get(query, frozenset())
    if len(exact) == 1:
        return _load(session, next(iter(exact)))
    if len(exact) > 1:
        raise AmbiguousPartner(typed, sorted(index.names[pid] for pid in exact))
    scores = _scores(query, index)
    if not scores:
        raise PartnerNotFound(typed, _suggestions(query, index))
    top = max(scores.values())
    close = sorted(
        (pid for pid, score in scores.items() if score >= top - AMBIGUITY_MARGIN),
        key=lambda pid: (-scores[pid], normalize_name(index.names[pid])),
    )
    if len(close) > 1:
        raise AmbiguousPartner(typed, [index.names[pid] for pid in close[:MAX_CANDIDATES]])
    return _load(session, close[0])


def _suggestions(query: str, index: _NameIndex) -> list[str]:
    """Up to three closest names by rapidfuzz's WRatio, for 'did you mean'."""
    found = process.extract(
        query, index.wholes, scorer=fuzz.WRatio, limit=3, score_cutoff=SUGGEST_THRESHOLD
    )
    return [index.names[index.whole_owner[i]] for _, _, i in found]


def _load(session: Session, partner_id: int) -> Partner:
    partner = session.get(Partner, partner_id)
    if partner is None:  # deleted between the index SELECT and now
        raise NotFound("That partner was just removed; please ask again.")
    return partner


def partner_names(session: Session) -> list[str]:
    """Every partner's display name, in name order (for planners spotting names in text)."""
    return sorted(queries.all_names(session), key=lambda n: (normalize_name(n), n))


def known_tiers(session: Session) -> list[str]:
    """The tier names in use, alphabetically (case as stored)."""
    return queries.known_values(session, "tier")
