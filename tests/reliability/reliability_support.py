"""Shared helpers for the reliability suite (imported by name: tests/reliability is on sys.path).

Every hostile or broken input is generated here at run time (nothing is
committed under tests/fixtures/bad_inputs).
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path


BODY = ("On March 3, 2024, a drone struck a depot near Erbil, officials said. The militia denied any role. "
        "Local residents reported two explosions before dawn.")

ARTICLE = """Drone strikes base in Erbil
- Test Desk
- Oct 18, 2023

On October 17, 2023, the Islamic Resistance in Iraq said it launched a drone at Harir air base in Erbil, killing two soldiers.
US officials said the drone was intercepted and caused no casualties.
"""


def small_article(i: int) -> str:
    """A distinct small article per ``i`` (distinct text, so a distinct doc_id)."""
    day = 1 + i % 28
    return (f"Report {i} from the front\n- Desk {i % 7}\n- Jan {day}, 2024\n\n"
            f"On January {day}, 2024, a drone struck a depot near Erbil, officials said in report number {i}. "
            f"Two people were wounded.\n")


def write_text_corpus(d: Path, n: int, start: int = 0) -> Path:
    d.mkdir(parents=True, exist_ok=True)
    for i in range(start, start + n):
        (d / f"a{i:05d}.txt").write_text(small_article(i), encoding="utf-8")
    return d


def write_jsonl_corpus(path: Path, n: int, bad_every: int | None = None, start: int = 0) -> tuple[int, int]:
    """n lines; every ``bad_every``-th is malformed JSON.  Returns (good, bad)."""
    good = bad = 0
    with path.open("w", encoding="utf-8") as f:
        for i in range(start, start + n):
            if bad_every and i % bad_every == bad_every - 1:
                f.write('{"title": "cut off", "text": "On March 3\n')
                bad += 1
            else:
                f.write(json.dumps({"title": f"Item {i}", "text": small_article(i), "published": "2024-01-02"}) + "\n")
                good += 1
    return good, bad


def cli_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TIGHTROPE_")}
    env.update(extra)
    return env


def run_cli(*args: str, cwd: Path | None = None, timeout: float = 120, **env: str) -> subprocess.CompletedProcess:
    """``python -m tightrope.cli ARGS`` in a fresh process (the real entry point, no CliRunner)."""
    return subprocess.run([sys.executable, "-m", "tightrope.cli", *args], capture_output=True, text=True,
                          timeout=timeout, cwd=cwd, env=cli_env(**env))


def assert_no_traceback(stderr: str) -> None:
    assert "Traceback (most recent call last)" not in stderr, stderr[-3000:]
