"""Free text as users type it — words, "quoted phrases", -exclusions — as engine queries.

Words must all appear (in one field, or spread over several); a typo still matches (one edit
in words of 5 to 9 letters, two from 10 on, none below 5); Portuguese and English stems match
through the `.pt`/`.en` sub-fields; accents never matter (every analysis folds them).

Typos are looked for in the folded fields only: a stem is not a word anyone typed, and fuzzy
expansion over every stemmed variant cost ten times the whole query at 100,000 lessons (see
docs/performance.md). Words under five letters are matched exactly: one edit in a four-letter
word ("disk" → "desk", "risk") finds other words more often than typos.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# How much a match in each field counts: the title most, then the analysis, then the story.
FIELD_WEIGHTS = {"title": 6.0, "root_cause": 4.0, "solution": 3.5, "prevention": 3.0,
                 "situation": 2.5, "impact": 2.0}
STEMMED_SHARE = 0.8
ACTION_FIELDS = ["action_items.action", "action_items.action.pt", "action_items.action.en"]
HIGHLIGHTED = [*FIELD_WEIGHTS, "follow_up.notes"]
MAX_WORDS = 32
FUZZINESS = "AUTO:5,10"

_TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')


@dataclass(frozen=True)
class ParsedText:
    words: tuple[str, ...] = ()
    phrases: tuple[str, ...] = ()
    excluded: tuple[str, ...] = ()  # words and phrases, as typed

    @property
    def empty(self) -> bool:
        return not (self.words or self.phrases)


def parse_text(text: str) -> ParsedText:
    """Split what a user typed; an unclosed quote runs to the end, a bare `-` is ignored."""
    words, phrases, excluded = [], [], []
    for negated, phrase, word in _TOKEN.findall(text):
        if word:
            if word.startswith("-") and len(word) > 1:
                excluded.append(word[1:])
            elif word != "-":
                words.append(word)
        elif phrase.strip():
            (excluded if negated else phrases).append(phrase.strip())
    return ParsedText(tuple(words[:MAX_WORDS]), tuple(phrases[:MAX_WORDS]), tuple(excluded[:MAX_WORDS]))


def weighted_fields(stemmed: bool = True) -> list[str]:
    fields = []
    for name, weight in FIELD_WEIGHTS.items():
        fields.append(f"{name}^{weight:g}")
        if stemmed:
            fields.extend(f"{name}.{lang}^{weight * STEMMED_SHARE:g}" for lang in ("pt", "en"))
    return fields


def _actions(query: dict, name: str | None = None) -> dict:
    nested = {"path": "action_items", "query": query, "score_mode": "max"}
    if name:
        nested["inner_hits"] = {
            "name": name, "size": 3, "_source": False,
            "highlight": {"fields": {ACTION_FIELDS[0]: {}}, **_MARKS},
        }
    return {"nested": nested}


def _words_clause(words: str) -> dict:
    return {"bool": {"minimum_should_match": 1, "should": [
        {"multi_match": {"query": words, "fields": weighted_fields(stemmed=False), "type": "best_fields",
                         "operator": "and", "fuzziness": FUZZINESS, "prefix_length": 1, "max_expansions": 50,
                         "tie_breaker": 0.3}},
        {"multi_match": {"query": words, "fields": weighted_fields(), "type": "cross_fields", "operator": "and"}},
        _actions({"bool": {"minimum_should_match": 1, "should": [
            {"match": {ACTION_FIELDS[0]: {"query": words, "operator": "and", "fuzziness": FUZZINESS,
                                          "prefix_length": 1}}},
            {"multi_match": {"query": words, "fields": ACTION_FIELDS[1:], "operator": "and"}},
        ]}}, name="action_words"),
        {"terms": {"tags": [word.lower() for word in words.split()], "boost": 1.5}},
    ]}}


def _phrase_clause(phrase: str, index: int | None) -> dict:
    return {"bool": {"minimum_should_match": 1, "should": [
        {"multi_match": {"query": phrase, "fields": weighted_fields(), "type": "phrase"}},
        _actions({"multi_match": {"query": phrase, "fields": ACTION_FIELDS, "type": "phrase"}},
                 name=None if index is None else f"action_phrase_{index}"),
        {"term": {"tags": phrase.lower()}},
    ]}}


def text_clauses(parsed: ParsedText) -> tuple[list[dict], list[dict]]:
    """(`must`, `must_not`) clauses for a bool query."""
    must = []
    if parsed.words:
        must.append(_words_clause(" ".join(parsed.words)))
    must.extend(_phrase_clause(phrase, index) for index, phrase in enumerate(parsed.phrases))
    must_not = [_phrase_clause(text, None) for text in parsed.excluded]
    return must, must_not


_MARKS = {"pre_tags": ["<mark>"], "post_tags": ["</mark>"], "encoder": "html"}


def highlight_request() -> dict:
    """Highlight the folded prose fields; fragments are HTML-escaped.

    Only the folded analysis is highlighted: highlighting the stemmed variants too doubled the cost
    of a free-text search at 100,000 lessons (docs/performance.md), and a word the reader typed is
    in the folded field — plurals and other one-letter variants through the fuzzy match.
    """
    fields = {name: {"number_of_fragments": 3, "fragment_size": 160} for name in HIGHLIGHTED}
    fields["tags"] = {"number_of_fragments": 0}
    return {**_MARKS, "require_field_match": True, "fields": fields}


def merge_highlights(hit: dict) -> dict:
    """One list of fragments per lesson field, action items' fragments merged into one list."""
    found = hit.get("highlight") or {}
    merged = {name: found[name] for name in HIGHLIGHTED if found.get(name)}
    actions = []
    for inner in (hit.get("inner_hits") or {}).values():
        for action_hit in inner["hits"]["hits"]:
            actions.extend((action_hit.get("highlight") or {}).get(ACTION_FIELDS[0], []))
    if actions:
        merged["action_items"] = list(dict.fromkeys(actions))
    if found.get("tags"):
        merged["tags"] = found["tags"]
    return merged
