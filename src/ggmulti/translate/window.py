"""Segments longer than a model's input window, split so that nothing is cut off.

CTranslate2 silently drops input tokens past ``max_input_length`` and output past
``max_decoding_length``, and decoding time grows with the input; a paragraph without sentence
marks (a 50,000-character run of Chinese) arrives as one segment. Such a segment is cut at clause
marks into pieces of at most ``window`` tokens, and a clause still longer is cut at the token limit;
the pieces are translated as separate inputs and joined in order.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import regex

PIECE_BEAM = 1  # the pieces are decoded greedily: their number grows with the segment's length
PIECE_BATCH = 32  # pieces per sub-batch: equal-length greedy inputs batch well on a CPU
WINDOW = 120  # tokens per piece: well inside the 1024-token input limit, output within 256 tokens

# After a clause mark (comma, enumeration comma, semicolon, colon, dash) or a space: where a cut
# leaves whole clauses or words on both sides.
_CLAUSE_END = regex.compile(r"(?<=[,，、;；:：\u2014\u2013\u060C\u061B])|(?<=\s)(?=\S)")


def _clauses(text: str) -> list[str]:
    parts, start = [], 0
    for match in _CLAUSE_END.finditer(text):
        if match.start() > start:
            parts.append(text[start : match.start()])
            start = match.start()
    parts.append(text[start:])
    return [p for p in parts if p]


def split_tokens(
    text: str, tokens: Sequence[str], tokenize: Callable[[str], list[str]], window: int = WINDOW
) -> list[list[str]]:
    """``tokens`` (of ``text``) as pieces of at most ``window`` tokens, cut at clause marks first.

    Whole clauses are packed greedily into pieces; a clause longer than the window is cut every
    ``window`` tokens. Every token of every clause is kept, in order.
    """
    if len(tokens) <= window:
        return [list(tokens)]
    pieces: list[list[str]] = []
    current: list[str] = []
    for clause in _clauses(text):
        clause_tokens = tokenize(clause)
        if len(current) + len(clause_tokens) <= window:
            current += clause_tokens
            continue
        if current:
            pieces.append(current)
            current = []
        while len(clause_tokens) > window:
            pieces.append(clause_tokens[:window])
            clause_tokens = clause_tokens[window:]
        current = list(clause_tokens)
    if current:
        pieces.append(current)
    return pieces
