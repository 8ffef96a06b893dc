"""sentence_spans (token arrays) equals spaCy's sentencizer, which it replaces for speed."""

from __future__ import annotations

import pytest

from tightrope.extract.nlp import get_nlp, sentence_spans

TRICKY = ["", " ", ".", "...", "Hello.", ". Hello", "A. B. C", "\"Yes.\" he said. (Really?) no!", "!!! ??? a",
          "a\n\nb. c", "U.S. forces struck 1.5 km away. Then left.", ".a", "a.", "Wait\u2026 what? Yes\u3002Done",
          "\u201cWe will respond,\u201d he said.\nHeadline without stop\nNext line. End"]


def _spacy(text: str) -> list[tuple[int, int]]:
    return [(s.start_char, s.end_char) for s in get_nlp()(text).sents]


@pytest.mark.parametrize("text", TRICKY)
def test_tricky_texts(text):
    assert sentence_spans(get_nlp().make_doc(text)) == _spacy(text)


def test_sample_articles(sample_docs):
    for d in sample_docs:
        assert sentence_spans(get_nlp().make_doc(d.text)) == _spacy(d.text), d.path
