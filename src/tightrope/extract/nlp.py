"""The one shared spaCy pipeline: blank English tokenizer + rule-based sentencizer.

No statistical model is loaded (nothing to download); everything else is
rules and dictionaries from ``tightrope/data``.  Built once per process.
"""

from __future__ import annotations

from functools import lru_cache

import spacy
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
