"""The one shared spaCy pipeline: blank English tokenizer + rule-based sentencizer.

No statistical model is loaded (nothing to download); everything else is
rules and dictionaries from ``tightrope/data``.  Built once per process.
"""

from __future__ import annotations

from functools import lru_cache

import spacy
from spacy.attrs import IDX, IS_PUNCT, LENGTH, ORTH
from spacy.language import Language


@lru_cache(maxsize=1)
def get_nlp() -> Language:
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    # Articles are bounded by settings.max_article_bytes; spaCy's default
    # 1M-char guard would reject long but legitimate reports.
    nlp.max_length = 25_000_000
    return nlp


def make_doc(text: str):
    """Tokenise only (no sentence boundaries): the cheap path for matchers."""
    return get_nlp().make_doc(text)


def parse(text: str):
    """Tokenise and split into sentences."""
    return get_nlp()(text)


@lru_cache(maxsize=1)
def _punct_orths() -> frozenset[int]:
    nlp = get_nlp()
    chars = nlp.get_pipe("sentencizer").punct_chars
    assert all(len(c) == 1 for c in chars)  # sentence_spans tests only one-character tokens
    return frozenset(nlp.vocab.strings.add(c) for c in chars)


def sentence_spans(doc) -> list[tuple[int, int]]:
    """(start_char, end_char) of each sentence spaCy's sentencizer would mark on ``doc``.

    The rule of ``spacy.pipeline.Sentencizer.predict``: a sentence starts at
    token 0 and at every token that is neither punctuation nor a
    sentence-final character when a sentence-final character came after the
    last such token.  Read from token arrays with numpy: running the
    sentencizer and iterating ``doc.sents`` builds a Python Token per token
    (~30% of the tokenizer's own cost, cProfile on 200 articles); this costs
    ~0.06 ms per 400-word article.  tests/scale/test_sentences.py checks
    equality with spaCy's sentencizer.
    """
    import numpy as np

    n = len(doc)
    if not n:
        return []
    pc = _punct_orths()
    arr = doc.to_array([ORTH, IS_PUNCT, IDX, LENGTH])
    # Sentence-final characters are one character long: look up only those tokens.
    ones = np.flatnonzero(arr[:, 3] == 1)
    in_pc = np.zeros(n, dtype=bool)
    in_pc[ones[[o in pc for o in arr[ones, 0].tolist()]]] = True
    wordish = np.flatnonzero(~in_pc & (arr[:, 1] == 0))
    seen = np.concatenate(([0], np.cumsum(in_pc)))  # seen[i]: sentence-final chars among tokens < i
    prev = np.concatenate(([-1], wordish[:-1]))  # the token before, of the same kind (-1: none)
    starts = [0] + wordish[seen[wordish] > seen[prev + 1]].tolist()
    idx = arr[:, 2].astype(np.int64)
    last = np.array(starts[1:] + [n], dtype=np.int64) - 1
    ends = idx[last] + arr[last, 3].astype(np.int64)
    return list(zip(idx[starts].tolist(), ends.tolist()))
