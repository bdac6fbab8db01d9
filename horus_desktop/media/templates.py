"""Project hierarchy from paths: `{field}` path templates and a lenient token-finding fallback."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import PurePath

HIERARCHY_FIELDS = ("project", "episode", "sequence", "shot", "department", "task_type", "version")

DEFAULT_TEMPLATE = "{project}/{episode}/{sequence}/{shot}/{department}/{version}/..."

# Field values may not cross a folder boundary; versions must look like v001 / V12 / 003.
_FIELD_PATTERNS = {"version": r"[vV]?\d+", "version_number": r"\d+"}
_ANY_FIELD = r"[^/]+?"
_FIELD = re.compile(r"\{(\w+)\}")
_VERSION = re.compile(r"(?:^|[^A-Za-z0-9])([vV])(\d+)(?![0-9])")
_EPISODE = re.compile(r"(?:^|[^A-Za-z0-9])(ep?\d+)(?![0-9])", re.IGNORECASE)
_SEQUENCE = re.compile(r"(?:^|[^A-Za-z0-9])((?:sq|seq)\d+)(?![0-9])", re.IGNORECASE)
_SHOT = re.compile(r"(?:^|[^A-Za-z0-9])((?:sh|shot)\d+)(?![0-9])", re.IGNORECASE)
KNOWN_DEPARTMENTS = frozenset(
    {
        "anim", "animation", "comp", "compositing", "fx", "layout", "lighting", "lgt", "lookdev",
        "model", "modeling", "rig", "rigging", "roto", "paint", "prep", "mm", "matchmove", "track",
        "plate", "plates", "edit", "previs", "postvis", "cfx", "groom", "env", "dmp", "render",
    }
)


@dataclass(frozen=True)
class Hierarchy:
    """Where a media sits in the production: every field may be unknown (None)."""

    project: str | None = None
    episode: str | None = None
    sequence: str | None = None
    shot: str | None = None
    department: str | None = None
    task_type: str | None = None
    version: str | None = None
    version_number: int | None = None

    def merged_over(self, other: Hierarchy) -> Hierarchy:
        """This hierarchy with its unknown fields taken from `other`."""
        values = {f: getattr(self, f) if getattr(self, f) is not None else getattr(other, f)
                  for f in (*HIERARCHY_FIELDS, "version_number")}
        return Hierarchy(**values)


_POSIX = os.sep == "/"
_CACHE_SIZE = 4096  # folders (and folder names per template part) remembered between files


def version_number_of(version: str | None) -> int | None:
    """The number in a version name: 'v012' -> 12, None when it has no digits."""
    if not version:
        return None
    digits = re.findall(r"\d+", version)
    return int(digits[-1]) if digits else None


def _segments(path: str | PurePath) -> list[str]:
    if _POSIX and isinstance(path, str) and path not in ("", "."):
        # What PurePosixPath keeps (no empty or "." parts), without building one: ingest asks 4x per media.
        return [s for s in path.split("/") if s and s != "."]
    return [s for s in PurePath(path).as_posix().split("/") if s and s != "/"]


class PathTemplate:
    """A path template such as "{project}/shots/{sequence}/{shot}/{department}/{task_type}/{version}".

    Each `/`-separated part matches one folder (or the file name); `{field}` captures text inside it,
    literal text must match exactly (case-insensitive) and `...` matches any number of folders. Unknown
    field names are captured and dropped. Without a trailing `...` the template may still be followed by
    more folders and the file name.
    """

    def __init__(self, template: str) -> None:
        self.template = template.strip().strip("/")
        self._parts = [p for p in self.template.split("/") if p]
        self._regexes = [None if p == "..." else self._compile_part(p) for p in self._parts]
        # (part index, folder or file name) -> its captures, None when it does not match: an ingest asks the
        # same folders' names again for every file below them. Cleared when full, so it stays small.
        self._matches: dict[tuple[int, str], dict[str, str] | None] = {}

    def __repr__(self) -> str:
        return f"PathTemplate({self.template!r})"

    @staticmethod
    def _compile_part(part: str) -> re.Pattern[str]:
        pattern, pos, seen = "", 0, set()
        for match in _FIELD.finditer(part):
            pattern += re.escape(part[pos : match.start()])
            name = match.group(1)
            body = _FIELD_PATTERNS.get(name, _ANY_FIELD)
            pattern += f"(?P={name})" if name in seen else f"(?P<{name}>{body})"
            seen.add(name)
            pos = match.end()
        pattern += re.escape(part[pos:])
        return re.compile(pattern + r"$", re.IGNORECASE)

    def _match_part(self, index: int, regex: re.Pattern[str], segment: str) -> dict[str, str] | None:
        key = (index, segment)
        try:
            return self._matches[key]
        except KeyError:
            pass
        if len(self._matches) >= _CACHE_SIZE:
            self._matches.clear()
        match = regex.match(segment)
        captured = self._matches[key] = None if match is None else match.groupdict()
        return captured

    def _match_from(self, segments: list[str], start: int) -> dict[str, str] | None:
        def walk(ti: int, si: int, found: dict[str, str]) -> dict[str, str] | None:
            # Fixed parts in a loop, a recursion only at each `...` (the folders it may skip).
            while ti < len(self._regexes):
                regex = self._regexes[ti]
                if regex is None:
                    for skip in range(si, len(segments) + 1):
                        result = walk(ti + 1, skip, found)
                        if result is not None:
                            return result
                    return None
                if si >= len(segments):
                    return None
                captured = self._match_part(ti, regex, segments[si])
                if captured is None:
                    return None
                if found and any(found.get(k, v).lower() != v.lower() for k, v in captured.items()):
                    return None  # a field repeated in several folders must hold the same value
                found = {**found, **captured}
                ti, si = ti + 1, si + 1
            return found

        return walk(0, start, {})

    def parse(self, path: str | PurePath, root: str | PurePath | None = None) -> Hierarchy | None:
        """The hierarchy of `path`, or None when the template does not match it.

        With `root`, the template is anchored at the first folder below `root`; without, it may start
        at any folder of the path (the leftmost match wins).
        """
        segments = _segments(path)
        starts: range | list[int] = range(len(segments))
        if root is not None:
            root_segments = _segments(root)
            if segments[: len(root_segments)] != root_segments:
                return None
            starts = [len(root_segments)]
        for start in starts:
            found = self._match_from(segments, start)
            if found is not None:
                return _hierarchy_from(found)
        return None


def _hierarchy_from(found: dict[str, str]) -> Hierarchy:
    values = {f: found.get(f) for f in HIERARCHY_FIELDS}
    number = found.get("version_number")
    version_number = int(number) if number else version_number_of(values["version"])
    if values["version"] is None and number:
        values["version"] = f"v{int(number):03d}"
    return Hierarchy(**values, version_number=version_number)


def _last_token(regex: re.Pattern[str], segments: list[str]) -> str | None:
    for segment in reversed(segments):
        matches = regex.findall(segment)
        if matches:
            last = matches[-1]
            return last if isinstance(last, str) else "".join(last)
    return None


@lru_cache(maxsize=_CACHE_SIZE)
def _segment_tokens(segment: str) -> tuple[str | None, str | None, str | None, str | None, bool]:
    """The last version, episode, sequence and shot token in one folder or file name, and whether it names a
    known department: an ingest asks this of the same folder names for every file below them."""
    return (_last_token(_VERSION, [segment]), _last_token(_EPISODE, [segment]), _last_token(_SEQUENCE, [segment]),
            _last_token(_SHOT, [segment]), segment.lower() in KNOWN_DEPARTMENTS)


def _last_of(index: int, tokens: list[tuple[str | None, str | None, str | None, str | None, bool]]) -> str | None:
    """`_last_token` over segments, from their remembered tokens: the last segment that has one wins."""
    for found in reversed(tokens):
        if found[index] is not None:
            return found[index]
    return None


def lenient_hierarchy(path: str | PurePath, root: str | PurePath | None = None) -> Hierarchy:
    """Find what can be found anywhere in the path: `v###`, `ep##`, `sq###`/`seq###`, `sh###`/`shot###`
    tokens and well-known department folder names; the project is the first folder below `root`."""
    segments = _segments(path)
    tokens = [_segment_tokens(s) for s in segments]
    relative, skipped = segments, 0
    if root is not None:
        root_segments = _segments(root)
        if segments[: len(root_segments)] == root_segments:
            relative, skipped = segments[len(root_segments) :], len(root_segments)
    relative_tokens = tokens[skipped:]
    version = _last_of(0, tokens)
    department = next((s for s, t in zip(reversed(relative[:-1]), reversed(relative_tokens[:-1]), strict=True)
                       if t[4]), None)
    project = relative[0] if root is not None and len(relative) > 1 else None
    return Hierarchy(
        project=project,
        episode=_last_of(1, relative_tokens[:-1]),
        sequence=_last_of(2, relative_tokens),
        shot=_last_of(3, relative_tokens),
        department=department,
        version=version,
        version_number=version_number_of(version),
    )


def parse_hierarchy(
    path: str | PurePath,
    templates: list[PathTemplate] | None = None,
    root: str | PurePath | None = None,
) -> Hierarchy:
    """Try the templates in order (default: the default template), filling gaps from the lenient finder."""
    lenient = lenient_hierarchy(path, root)
    for template in templates if templates is not None else [PathTemplate(DEFAULT_TEMPLATE)]:
        found = template.parse(path, root)
        if found is not None:
            return found.merged_over(lenient)
    return lenient
