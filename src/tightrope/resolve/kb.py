"""Load and validate the actor knowledge base (YAML files, schema v1).

The schema is documented in the header of ``tightrope/data/actors.yaml``.
Files are *composed* (not just loaded) with PyYAML so that every node keeps
its source line: a bad record is reported as ``file:line: reason`` through
:class:`~tightrope.errors.KnowledgeBaseError`.

``validate_kb(paths)`` collects every problem; ``load_kb(paths)`` raises on
the first one (mentioning how many more there are) and otherwise returns a
:class:`KBData` that :class:`tightrope.resolve.actors.ActorKB` indexes.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Sequence

import yaml

from tightrope.errors import KnowledgeBaseError
from tightrope.models import Actor, Affiliation
from tightrope.settings import DATA_DIR

# The C loader is ~10x faster and keeps marks; fall back when libyaml is absent.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

SCHEMA_VERSION = 1
DEFAULT_ACTORS = DATA_DIR / "actors.yaml"
_ID_RE = re.compile(r"^[a-z][a-z0-9_]*$")
_COUNTRY_RE = re.compile(r"^[A-Z]{2}$")
_DATE_RE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_ACTOR_KEYS = {
    "id", "name", "type", "country", "aliases", "acronyms", "case_sensitive",
    "demonyms", "metonyms", "start", "end", "affiliations", "roles",
}
_AFF_KEYS = {"relation", "object", "start", "end", "source"}
_ROLE_KEYS = {"role", "org", "start", "end"}
# Surface kinds: "name"/"alias" match case-insensitively, the rest exactly.
SURFACE_FIELDS = ("aliases", "acronyms", "case_sensitive", "demonyms", "metonyms")
CASE_SENSITIVE_KINDS = frozenset({"acronym", "case_sensitive", "demonym", "metonym"})
_KIND_OF_FIELD = {
    "aliases": "alias", "acronyms": "acronym", "case_sensitive": "case_sensitive",
    "demonyms": "demonym", "metonyms": "metonym",
}


@dataclass(frozen=True)
class Surface:
    """One way an actor is written in text."""

    text: str
    kind: str  # name|alias|acronym|case_sensitive|demonym|metonym
    ambiguous: bool = False
    line: int | None = None

    @property
    def case_sensitive(self) -> bool:
        return self.kind in CASE_SENSITIVE_KINDS


@dataclass
class ActorRecord:
    actor: Actor
    surfaces: tuple[Surface, ...]
    path: str
    line: int
    start: str | None = None
    end: str | None = None
    # (what, referenced actor id, line) for cross-file reference checks
    refs: tuple[tuple[str, str, int], ...] = ()


@dataclass
class KBData:
    records: list[ActorRecord] = field(default_factory=list)
    normalisation: dict[str, Any] = field(default_factory=dict)
    types: frozenset[str] = frozenset()
    relations: frozenset[str] = frozenset()


# ---------------------------------------------------------------- dates


def date_bounds(value: str | dt.date | None) -> tuple[dt.date, dt.date] | None:
    """First and last day covered by a YYYY / YYYY-MM / YYYY-MM-DD value."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value, value
    m = _DATE_RE.match(str(value).strip())
    if not m:
        raise ValueError(f"bad date {value!r} (want YYYY, YYYY-MM or YYYY-MM-DD)")
    y, mo, d = int(m[1]), m[2], m[3]
    try:
        if mo is None:
            return dt.date(y, 1, 1), dt.date(y, 12, 31)
        if d is None:
            first = dt.date(y, int(mo), 1)
            nxt = dt.date(y + (first.month == 12), first.month % 12 + 1, 1)
            return first, nxt - dt.timedelta(days=1)
        day = dt.date(y, int(mo), int(d))
    except ValueError as exc:
        raise ValueError(f"bad date {value!r} ({exc})") from None
    return day, day


# ---------------------------------------------------------------- normaliser


def _strip(s: str) -> str:
    """NFKD-decompose and drop combining marks (diacritics)."""
    if s.isascii():
        return s
    return "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))


class Normaliser:
    """Folds spelling variants to one key, driven by the ``normalisation`` data."""

    def __init__(self, cfg: dict[str, Any]):
        apos = cfg.get("apostrophes") or "'’"
        cls = "[" + re.escape(apos) + "]"
        self._possessive = re.compile(cls + r"s\b")
        self._apos = re.compile(cls)
        particles = [re.escape(p) for p in cfg.get("hyphen_particles") or []]
        self._particles = re.compile(r"\b(?:" + "|".join(particles) + r")-") if particles else None
        self._leading = frozenset(cfg.get("leading_words") or [])
        self._drop = frozenset(cfg.get("drop_words") or [])
        rewrite = {str(k).casefold(): str(v).casefold() for k, v in (cfg.get("rewrite") or {}).items()}
        self._symbols = {k: v for k, v in rewrite.items() if not re.fullmatch(r"[\w ]+", k)}
        self._words = {k: v for k, v in rewrite.items() if re.fullmatch(r"\w+", k)}
        phrases = sorted((k for k in rewrite if " " in k), key=len, reverse=True)
        self._phrase_map = {k: rewrite[k] for k in phrases}
        self._phrases = (
            re.compile(r"(?<!\S)(?:" + "|".join(re.escape(p) for p in phrases) + r")(?!\S)")
            if phrases else None
        )

    def __call__(self, name: str) -> str:
        s = _strip(_strip(name).casefold())  # twice: casefold can add marks ("İ" -> "i̇")
        s = self._possessive.sub("", s)
        s = self._apos.sub("", s).replace(".", "")  # U.S. -> us, Kata'ib -> kataib
        if self._particles is not None:
            s = self._particles.sub("", s)
        for sym, rep in self._symbols.items():
            s = s.replace(sym, f" {rep} ")
        words = [w for w in re.sub(r"[\W_]+", " ", s).split() if w not in self._drop]
        while words and words[0] in self._leading:
            words = words[1:]
        words = [self._words.get(w, w) for w in words]
        s = " ".join(words)
        if self._phrases is not None:
            s = self._phrases.sub(lambda m: self._phrase_map[m.group(0)], s)
        return s


# ---------------------------------------------------------------- YAML nodes


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def _scalar(node: yaml.Node) -> Any:
    """A scalar's value; dates stay as their source text (we want strings)."""
    tag = node.tag.rsplit(":", 1)[-1]
    if tag == "null":
        return None
    if tag == "bool":
        return node.value.lower() in ("true", "yes", "on", "y")
    if tag == "int":
        try:
            return int(node.value.replace("_", ""), 0)
        except ValueError:
            return node.value
    if tag == "float":
        return float(node.value)
    return node.value


def _plain(node: yaml.Node) -> Any:
    """Whole-subtree conversion (for parts where line numbers are not needed)."""
    if isinstance(node, yaml.ScalarNode):
        return _scalar(node)
    if isinstance(node, yaml.SequenceNode):
        return [_plain(n) for n in node.value]
    return {str(_scalar(k)): _plain(v) for k, v in node.value}


class _FileCheck:
    """Parses one file, appending problems to a shared error list."""

    def __init__(self, path: Path, errors: list[KnowledgeBaseError], types, relations):
        self.path = str(path)
        self.errors = errors
        self.types = types
        self.relations = relations

    def err(self, reason: str, node: yaml.Node | int | None = None) -> None:
        line = node if isinstance(node, int) or node is None else _line(node)
        self.errors.append(KnowledgeBaseError(self.path, reason, line))

    def mapping(self, node: yaml.Node, what: str, allowed: set[str] | None = None) -> dict[str, yaml.Node] | None:
        if not isinstance(node, yaml.MappingNode):
            self.err(f"{what} must be a mapping", node)
            return None
        out: dict[str, yaml.Node] = {}
        for k, v in node.value:
            key = str(_scalar(k)) if isinstance(k, yaml.ScalarNode) else "?"
            if key in out:
                self.err(f"duplicate key {key!r} in {what}", k)
            elif allowed is not None and key not in allowed:
                self.err(f"unknown key {key!r} in {what} (allowed: {', '.join(sorted(allowed))})", k)
            out[key] = v
        return out

    def text(self, m: dict[str, yaml.Node], key: str, what: str, required: bool = True) -> str | None:
        node = m.get(key)
        val = _scalar(node) if isinstance(node, yaml.ScalarNode) else node
        if val is None:
            if required:
                self.err(f"{what}: missing {key!r}", None if node is None else node)
            return None
        if not isinstance(val, str) or not val.strip():
            self.err(f"{what}: {key!r} must be a non-empty string", node)
            return None
        return val.strip()

    def date(self, m: dict[str, yaml.Node], key: str, what: str) -> str | None:
        node = m.get(key)
        if node is None:
            return None
        val = _scalar(node) if isinstance(node, yaml.ScalarNode) else node
        if val is None:
            return None
        try:
            date_bounds(str(val))
        except ValueError as exc:
            self.err(f"{what}: {key}: {exc}", node)
            return None
        return str(val)

    def period(self, m: dict[str, yaml.Node], what: str) -> tuple[str | None, str | None]:
        start, end = self.date(m, "start", what), self.date(m, "end", what)
        if start and end and date_bounds(end)[1] < date_bounds(start)[0]:
            self.err(f"{what}: end {end} is before start {start}", m["end"])
        return start, end

    def surfaces(self, m: dict[str, yaml.Node], fld: str, what: str) -> list[Surface]:
        node = m.get(fld)
        if node is None or (isinstance(node, yaml.ScalarNode) and _scalar(node) is None):
            return []
        if not isinstance(node, yaml.SequenceNode):
            self.err(f"{what}: {fld!r} must be a list", node)
            return []
        out = []
        for item in node.value:
            ambiguous = False
            if isinstance(item, yaml.MappingNode):
                sub = self.mapping(item, f"{what} {fld} entry", {"name", "ambiguous"})
                if sub is None:
                    continue
                text = self.text(sub, "name", f"{what} {fld} entry")
                amb = sub.get("ambiguous")
                ambiguous = bool(amb is not None and _scalar(amb) is True)
            else:
                text = _scalar(item) if isinstance(item, yaml.ScalarNode) else None
                if not isinstance(text, str) or not text.strip():
                    self.err(f"{what}: {fld} entries must be strings", item)
                    continue
                text = text.strip()
            if text:
                out.append(Surface(text, _KIND_OF_FIELD[fld], ambiguous, _line(item)))
        return out

    def actor(self, node: yaml.Node) -> ActorRecord | None:
        m = self.mapping(node, "actor", _ACTOR_KEYS)
        if m is None:
            return None
        aid = self.text(m, "id", f"actor at line {_line(node)}")
        if aid is None:
            return None
        if not _ID_RE.match(aid):
            self.err(f"actor {aid!r}: id must be snake_case ([a-z][a-z0-9_]*)", m["id"])
        what = f"actor {aid!r}"
        name = self.text(m, "name", what) or aid
        atype = self.text(m, "type", what) or "unknown"
        if atype not in self.types:
            self.err(f"{what}: unknown type {atype!r} (allowed: {', '.join(sorted(self.types))})", m.get("type", node))
        country = _scalar(m["country"]) if isinstance(m.get("country"), yaml.ScalarNode) else None
        if country is not None and not (isinstance(country, str) and _COUNTRY_RE.match(country)):
            self.err(f"{what}: country must be an ISO 3166-1 alpha-2 code or null, not {country!r}", m["country"])
            country = None
        start, end = self.period(m, what)
        surfaces = [Surface(name, "name", False, _line(m.get("name", node)))]
        for fld in SURFACE_FIELDS:
            surfaces.extend(self.surfaces(m, fld, what))
        refs: list[tuple[str, str, int]] = []
        affs = self._affiliations(m.get("affiliations"), what, refs)
        roles = self._roles(m.get("roles"), what, atype, refs)
        seen: set[tuple[str, bool]] = set()
        uniq = []
        for s in surfaces:  # repeats inside one record are harmless: keep the first
            key = (s.text if s.case_sensitive else s.text.casefold(), s.case_sensitive)
            if key not in seen:
                seen.add(key)
                uniq.append(s)
        aliases = tuple(s.text for s in uniq if s.kind != "name")
        actor = Actor(actor_id=aid, name=name, aliases=aliases, actor_type=atype, country=country,
                      affiliations=tuple(affs), roles=tuple(roles))
        return ActorRecord(actor, tuple(uniq), self.path, _line(node), start, end, tuple(refs))

    def _list(self, node: yaml.Node | None, what: str) -> list[yaml.Node]:
        if node is None or (isinstance(node, yaml.ScalarNode) and _scalar(node) is None):
            return []
        if not isinstance(node, yaml.SequenceNode):
            self.err(f"{what} must be a list", node)
            return []
        return node.value

    def _affiliations(self, node, what, refs) -> list[Affiliation]:
        out = []
        for item in self._list(node, f"{what}: affiliations"):
            m = self.mapping(item, f"{what} affiliation", _AFF_KEYS)
            if m is None:
                continue
            rel = self.text(m, "relation", f"{what} affiliation")
            obj = self.text(m, "object", f"{what} affiliation")
            if rel and rel not in self.relations:
                self.err(f"{what}: unknown relation {rel!r} (allowed: {', '.join(sorted(self.relations))})", m["relation"])
            start, end = self.period(m, f"{what} affiliation")
            source = self.text(m, "source", f"{what} affiliation", required=False)
            if rel and obj:
                out.append(Affiliation(rel, obj, start, end, source))
                refs.append(("affiliation object", obj, _line(m["object"])))
        return out

    def _roles(self, node, what, atype, refs) -> list[tuple]:
        items = self._list(node, f"{what}: roles")
        if items and atype != "person":
            self.err(f"{what}: roles are for persons only (type is {atype!r})", node)
        out = []
        for item in items:
            m = self.mapping(item, f"{what} role", _ROLE_KEYS)
            if m is None:
                continue
            role = self.text(m, "role", f"{what} role")
            org = self.text(m, "org", f"{what} role", required=False)
            start, end = self.period(m, f"{what} role")
            if role:
                out.append((role, org, start, end))
                if org:
                    refs.append(("role org", org, _line(m["org"])))
        return out


def _compose(path: Path, errors: list[KnowledgeBaseError]) -> yaml.Node | None:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        errors.append(KnowledgeBaseError(str(path), f"cannot read: {exc}"))
        return None
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        reason = f"YAML syntax: {exc.problem or exc}"
        if exc.context and exc.context_mark is not None:  # where the broken construct began
            reason += f" ({exc.context} started at line {exc.context_mark.line + 1})"
        errors.append(KnowledgeBaseError(str(path), reason, mark.line + 1 if mark else None))
        return None
    except yaml.YAMLError as exc:
        errors.append(KnowledgeBaseError(str(path), f"YAML error: {exc}"))
        return None
    if node is None:
        errors.append(KnowledgeBaseError(str(path), "empty file"))
    return node


def _header(path: Path, root: yaml.Node, errors) -> dict[str, yaml.Node] | None:
    chk = _FileCheck(path, errors, (), ())
    m = chk.mapping(root, "top level", {"version", "normalisation", "vocabulary", "actors"})
    if m is None:
        return None
    ver = m.get("version")
    if ver is None or _scalar(ver) != SCHEMA_VERSION:
        chk.err(f"'version: {SCHEMA_VERSION}' is required", ver if ver is not None else root)
    return m


def _collect(paths: Sequence[Path]) -> tuple[KBData, list[KnowledgeBaseError]]:
    errors: list[KnowledgeBaseError] = []
    headers = []
    for p in paths:
        root = _compose(Path(p), errors)
        if root is not None and (h := _header(Path(p), root, errors)) is not None:
            headers.append((Path(p), h))
    data = KBData()
    vocab = next((h["vocabulary"] for _, h in headers if "vocabulary" in h), None)
    norm = next((h["normalisation"] for _, h in headers if "normalisation" in h), None)
    if vocab is None or norm is None:  # extra files lean on the base file's settings
        base = _base_settings()
        vocab_d = base["vocabulary"] if vocab is None else _plain(vocab)
        data.normalisation = base["normalisation"] if norm is None else _plain(norm)
    else:
        vocab_d, data.normalisation = _plain(vocab), _plain(norm)
    data.types = frozenset(vocab_d.get("types") or ())
    data.relations = frozenset(vocab_d.get("relations") or ())
    for path, h in headers:
        chk = _FileCheck(path, errors, data.types, data.relations)
        actors = h.get("actors")
        if actors is None:
            continue
        for node in chk._list(actors, "actors"):
            rec = chk.actor(node)
            if rec is not None:
                data.records.append(rec)
    _cross_check(data, errors)
    return data, errors


_BASE_CACHE: dict[str, Any] = {}


def _base_settings() -> dict[str, Any]:
    if not _BASE_CACHE:
        root = yaml.compose(DEFAULT_ACTORS.read_text(encoding="utf-8"), Loader=_Loader)
        for k, v in root.value:
            if k.value in ("vocabulary", "normalisation"):
                _BASE_CACHE[k.value] = _plain(v)
    return _BASE_CACHE


def _cross_check(data: KBData, errors: list[KnowledgeBaseError]) -> None:
    """Checks that need every file: ids, references, alias clashes."""
    by_id: dict[str, ActorRecord] = {}
    for rec in data.records:
        aid = rec.actor.actor_id
        if aid in by_id:
            first = by_id[aid]
            errors.append(KnowledgeBaseError(rec.path, f"duplicate actor id {aid!r} (first at {first.path}:{first.line})", rec.line))
        else:
            by_id[aid] = rec
    for rec in data.records:
        for what, target, line in rec.refs:
            if target not in by_id:
                errors.append(KnowledgeBaseError(
                    rec.path, f"actor {rec.actor.actor_id!r}: {what} {target!r} is not a known actor id", line))
    normalise = Normaliser(data.normalisation)
    _clashes(data.records, lambda s: s.text.casefold(), "alias", errors, lambda s: True)
    # Normalised forms feed the resolver; two actors sharing one silently would
    # make resolution order-dependent, so they must be declared ambiguous too.
    _clashes(data.records, lambda s: normalise(s.text), "normalised form of", errors,
             lambda s: not s.case_sensitive)


def _clashes(records, keyfn, label, errors, use) -> None:
    seen: dict[str, tuple[ActorRecord, Surface]] = {}
    for rec in records:
        for s in rec.surfaces:
            if not use(s):
                continue
            key = keyfn(s)
            if not key:
                continue
            prev = seen.get(key)
            if prev is None:
                seen[key] = (rec, s)
                continue
            prec, ps = prev
            if prec.actor.actor_id == rec.actor.actor_id or (ps.ambiguous and s.ambiguous):
                continue
            errors.append(KnowledgeBaseError(
                rec.path,
                f"{label} {s.text!r} of {rec.actor.actor_id!r} also names {prec.actor.actor_id!r} "
                f"({prec.path}:{ps.line}); mark both 'ambiguous: true' or remove one",
                s.line or rec.line))


def validate_kb(paths: Iterable[Path | str] | None = None) -> list[KnowledgeBaseError]:
    """Every problem in the given KB files (default: the bundled actors.yaml)."""
    plist = [Path(p) for p in paths] if paths is not None else [DEFAULT_ACTORS]
    return _collect(plist)[1]


def load_kb(paths: Iterable[Path | str] | None = None) -> KBData:
    """Parsed, validated KB; raises KnowledgeBaseError on the first problem."""
    plist = [Path(p) for p in paths] if paths is not None else [DEFAULT_ACTORS]
    data, errors = _collect(plist)
    if errors:
        first = errors[0]
        more = f" (and {len(errors) - 1} more problem(s); run validate_kb to list them)" if len(errors) > 1 else ""
        raise KnowledgeBaseError(first.path, first.reason + more, first.line)
    return data


__all__ = [
    "ActorRecord", "KBData", "Normaliser", "Surface", "date_bounds", "load_kb", "validate_kb",
    "DEFAULT_ACTORS", "CASE_SENSITIVE_KINDS",
]
