"""Korean index terms for SQLite FTS5, and the matching query builder.

FTS5's unicode61 tokenizer splits on spaces only, so the eojeol 수출계약을
is one opaque token and a search for 수출 never finds it; trigram needs
three characters and finds nothing for two-syllable words, which most Korean
nouns are. Instead we run Kiwi over the text and store its content morphemes
separated by spaces, so unicode61 only has to split on those spaces. Queries
go through the same analysis, which is what makes the two meet.

Layout of an indexed text: the content morphemes in text order, then the
joined form of every noun compound Kiwi split (수출계약 after 수출 계약).
Keeping the joined forms at the end, rather than next to their parts, keeps
the parts adjacent to their neighbours so that FTS5 phrases of morphemes
match exactly as they appear in the text.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from extractors.analysis import base_tag, kiwi_tokenize

# Morpheme tags (Sejong tag set as Kiwi uses it) whose forms become terms.
NOUN_TAGS = frozenset({"NNG", "NNP"})
# Parts a noun compound is built of: nouns, Latin words and hanja written
# without a space between them (경북TP, 스마트팜, 韓美정상회담).
COMPOUND_PART_TAGS = frozenset({"NNG", "NNP", "SL", "SH"})
# Verb and adjective stems, roots, numbers; irregular stems carry suffixes
# like VA-I, which we strip before looking the tag up.
OTHER_TERM_TAGS = frozenset({"VV", "VA", "XR", "SN", "SL", "SH", "W_HASHTAG"})
# Light verbs and copulas appear in almost every sentence (체결하다 gives
# 체결 + 하): as terms they would only slow the index and blur ranking.
STOP_STEMS = frozenset({"하", "되", "있", "없", "않", "이", "아니", "같", "보", "주", "지"})

_PHRASE_PATTERN = re.compile(r'"([^"]*)"')


@dataclass
class IndexTerms:
    """Terms of one text in order, grouped: a group of several terms is a
    noun compound written without spaces (수출계약 -> [수출, 계약])."""

    groups: list[list[str]] = field(default_factory=list)

    @property
    def parts(self) -> list[str]:
        return [term for group in self.groups for term in group]

    @property
    def compounds(self) -> list[str]:
        return ["".join(group) for group in self.groups if len(group) > 1]

    def as_index_text(self) -> str:
        return " ".join(self.parts + self.compounds)


def _term_form(form: str, tag: str) -> str:
    if tag == "W_HASHTAG":
        form = form.lstrip("#")
    return form.lower()


def _is_term(form: str, tag: str) -> bool:
    if tag in NOUN_TAGS:
        return True
    if tag in ("VV", "VA"):
        return form not in STOP_STEMS
    return tag in OTHER_TERM_TAGS


def terms_from_tokens(tokens) -> IndexTerms:
    """Content terms of Kiwi tokens, grouped into noun compounds."""
    terms = IndexTerms()
    previous_compound_end = -1
    for token in tokens:
        tag = base_tag(token.tag)
        if not _is_term(token.form, tag):
            previous_compound_end = -1
            continue
        term = _term_form(token.form, tag)
        # A compound is a run of noun-like morphemes with no space between
        # them; a space or any other morpheme ends it.
        if tag in COMPOUND_PART_TAGS and token.start == previous_compound_end:
            terms.groups[-1].append(term)
        else:
            terms.groups.append([term])
        previous_compound_end = token.start + token.len if tag in COMPOUND_PART_TAGS else -1
    return terms


def index_terms(text: str) -> IndexTerms:
    return terms_from_tokens(kiwi_tokenize(text or ""))


def index_text(text: str) -> str:
    """The text as space-separated index terms for an FTS5 unicode61 table."""
    return index_terms(text).as_index_text()


def index_texts(texts: list[str]) -> list[str]:
    """`index_text` for many texts; Kiwi analyses a list on several threads."""
    if not texts:
        return []
    analysed = kiwi_tokenize([text or "" for text in texts])
    return [terms_from_tokens(tokens).as_index_text() for tokens in analysed]


# --- queries -----------------------------------------------------------------


def _quote(term: str) -> str:
    """An FTS5 string literal: user text can never become query syntax."""
    return '"' + term.replace('"', '""') + '"'


def _word_expression(word: str) -> list[str]:
    """FTS5 expressions (to be ANDed) for one unquoted word of a query.

    A compound the query analysis splits may have been stored split too
    (matched by the phrase of its parts) or kept whole by Kiwi in the
    article's context (matched by the joined form), so we accept either.
    """
    expressions: list[str] = []
    for group in index_terms(word).groups:
        if len(group) == 1:
            expressions.append(_quote(group[0]))
        else:
            expressions.append(f"({_quote(' '.join(group))} OR {_quote(''.join(group))})")
    return expressions


def _prefix_expression(word: str) -> str | None:
    """A prefix query for `word*`: the raw word, as Kiwi would cut it short.

    A truncated word (경북테크*) is no word to Kiwi, so we do not analyse it;
    the index holds single-morpheme nouns and joined compounds, both of which
    a raw prefix matches.
    """
    stem = re.sub(r"[^\w]", "", word.rstrip("*")).lower()
    if not stem:
        return None
    return _quote(stem) + " *"


def fts_query(user_query: str) -> str:
    """A safe FTS5 MATCH expression for what a user typed.

    Words are ANDed; "double-quoted text" must appear as a phrase of
    morphemes; a word ending in * is a prefix. Returns "" when nothing in
    the query is searchable (empty, only particles or punctuation).
    """
    user_query = (user_query or "").strip()
    expressions: list[str] = []
    last_end = 0
    for match in _PHRASE_PATTERN.finditer(user_query):
        expressions.extend(_free_text_expressions(user_query[last_end:match.start()]))
        phrase_parts = index_terms(match.group(1)).parts
        if phrase_parts:
            expressions.append(_quote(" ".join(phrase_parts)))
        last_end = match.end()
    # An unpaired quote is just punctuation, not an open phrase.
    expressions.extend(_free_text_expressions(user_query[last_end:].replace('"', " ")))
    return " AND ".join(expressions)


def _free_text_expressions(text: str) -> list[str]:
    expressions: list[str] = []
    for word in text.split():
        if word.endswith("*"):
            prefix = _prefix_expression(word)
            if prefix:
                expressions.append(prefix)
        else:
            expressions.extend(_word_expression(word))
    return expressions
