"""Imported once by the forkserver: load the KB, gazetteer and matchers before forking.

Every pool worker is forked from that warmed process, so none pays the ~1.7 s
start-up of a fresh extractor (measured: first extract_document in a new process).
"""

from tightrope.models import Document

from tightrope.extract import extract_document

extract_document(Document(doc_id="warm", text="Militants fired two rockets at a base in Iraq on Monday, officials said."))
