"""Tightrope: news reporting on armed conflict turned into structured, source-linked intelligence."""

__version__ = "0.1.0"
