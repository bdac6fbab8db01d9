"""Match the clips of an imported OTIO/EDL to media records: by path, then by shot + version name.

Paths are compared after normalising: ``file://`` URLs decoded, backslashes made slashes, and any frame
token (``####``, ``@@@@``, ``%04d``, ``$F4``, ``<UDIM>``-free digits before the extension of a single
frame) replaced by one placeholder, so ``sh010.####.exr``, ``sh010.%04d.exr`` and ``sh010.1001.exr`` all
meet ``sh010.%04d.exr`` as ingest stores it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple
from urllib.parse import unquote

import opentimelineio as otio

from horus_desktop.media.templates import lenient_hierarchy
from horus_desktop.store import Store
from horus_desktop.timeline.otio_doc import NS, meta, metadata_entry
from horus_desktop.timeline.otio_parse import active_reference, horus_of

if TYPE_CHECKING:
    from horus_desktop.store.media_match import MediaMatch

#: Each branch starts with its literal character (``##*``, not ``#+``), so the search skips to the next of
#: ``%#@$`` in C instead of trying the pattern at every character of a name (~400 -> ~200 ns a clip path).
_FRAME_TOKEN = re.compile(r"(%0?\d*d|##*|@@*|\$F\d*)")
_FRAME_DIGITS = re.compile(r"([._])(-?\d+)(\.[A-Za-z0-9]+)$")
_VERSION = re.compile(r"(?:^|[^A-Za-z0-9])[vV](\d+)(?![0-9])")
_SHOT = re.compile(r"(?:^|[^A-Za-z0-9])((?:sh|shot)\d+[A-Za-z]?)(?![0-9])", re.IGNORECASE)
_SOURCE_FILE = re.compile(r"^\s*SOURCE FILE:\s*(.+?)\s*$", re.IGNORECASE)
_FILE_URL = re.compile(r"^file:(//(localhost)?)?", re.IGNORECASE)
_DRIVE = re.compile(r"^/[A-Za-z]:/")
PLACEHOLDER = "<frame>"
#: The spellings of a frame token ingest may have stored, in the order they are tried.
_TOKENS = (*(f"%0{n}d" for n in range(1, 9)), "#", "####", "%d")


def strip_url(path: str) -> str:
    """A local path from a ``file://`` URL (percent-decoded); other text as it is, slashes normalised."""
    text = path.strip()
    if text[:5].lower() == "file:":  # the scheme alone lowered (not the whole path: thousands of clips)
        # not urlparse: '#' in a frame pattern is not a URL fragment here
        found = _FILE_URL.match(text)
        text = unquote(text[found.end():] if found is not None else text)
        if _DRIVE.match(text):  # file:///C:/shows -> C:/shows
            text = text[1:]
    return text.replace("\\", "/")


def path_key(path: str) -> str:
    """The comparison key of a media path: URL stripped, frame token or single-frame digits generalised."""
    return _key(strip_url(path))


def _key(text: str) -> str:
    """:func:`path_key` of a path whose URL is stripped already."""
    return _key_width(text)[0]


def _key_width(text: str) -> tuple[str, int | None]:
    """:func:`_key` of a stripped path and the frame-number width its name's token or frame digits say
    (``####`` 4, ``%04d`` 4, ``1001`` 4; None when neither says one), from one search of the name."""
    folder, _, name = text.rpartition("/")
    token = _FRAME_TOKEN.search(name)
    if token is not None:
        found = token.group(1)
        name = f"{name[:token.start()]}{PLACEHOLDER}{name[token.end():]}"  # the first token only
        if found[0] in "#@":
            width: int | None = len(found)
        else:
            digits = "".join(ch for ch in found if ch.isdigit())
            width = int(digits) if digits else None
    else:
        frame = _FRAME_DIGITS.search(name)
        width = len(frame.group(2).lstrip("-")) if frame else None
        if frame is not None:  # the pattern is anchored at the end: at most one match
            name = f"{name[:frame.start()]}{frame.group(1)}{PLACEHOLDER}{frame.group(3)}"
    return (f"{folder}/{name}" if folder else name), width


def candidate_paths(path: str) -> list[str]:
    """Exact spellings a store may hold for ``path`` (ingest writes ``%0Nd`` patterns)."""
    text = strip_url(path)
    return _candidates(text, path_key(text))


def _candidates(text: str, key: str) -> list[str]:
    out = [text]
    if PLACEHOLDER in key:
        parts = key.split(PLACEHOLDER)  # joined with each token: key.replace, every placeholder replaced
        out += [token.join(parts) for token in _TOKENS]
    return list(dict.fromkeys(out))


def _frame_width(name: str) -> int | None:
    """The frame-number width a file name's token or frame digits say (``####`` 4, ``%04d`` 4, ``1001`` 4)."""
    return _key_width(name)[1]


def _spellings(path: str) -> tuple[list[str], int]:
    """:func:`candidate_paths` of ``path`` and how many of them to read first: those up to the ``%0Nd``
    spelling of the width the path's frame token or digits give (all of them when it gives none). The URL is
    stripped, the key made and the width read once (an import of thousands of clips)."""
    text = strip_url(path)
    key, width = _key_width(text)
    # candidate_paths strips the stripped text again: the same text unless it still looks like a URL
    again = key if text == text.strip() and text[:5].lower() != "file:" else path_key(text)
    candidates = _candidates(text, again)
    if width and PLACEHOLDER in key:
        spelling = key.replace(PLACEHOLDER, f"%0{width}d")
        if spelling in candidates:
            return candidates, candidates.index(spelling) + 1
    return candidates, len(candidates)


def _first_spellings(path: str) -> list[str]:
    """The spellings of :func:`_spellings` read first (up to its cut), without making those after them: the
    ``%0Nd`` spelling a path's own token implies comes fifth of twelve for ``####``, and the rest is read
    only for the few paths whose first spellings match nothing."""
    text = strip_url(path)
    key, width = _key_width(text)
    again = key if text == text.strip() and text[:5].lower() != "file:" else path_key(text)
    if PLACEHOLDER not in again:
        return [text]
    stop = key.replace(PLACEHOLDER, f"%0{width}d") if width and PLACEHOLDER in key else None
    out = [text]
    if stop == text:
        return out
    parts = again.split(PLACEHOLDER)
    for token in _TOKENS:
        spelling = token.join(parts)
        if spelling not in out:
            out.append(spelling)
        if spelling == stop:
            break
    return out


#: Each frame token's place in a path's candidate spellings after the path itself (the first of equals).
_TOKEN_RANK = {token: rank for rank, token in reversed(list(enumerate(_TOKENS, start=1)))}


class _Spellings(NamedTuple):
    """The candidate spellings of a clip path (:func:`candidate_paths`) as the path itself and the parts
    a frame token joins (none: the path is its only spelling), and the texts they all start with.
    A named tuple: one is made per clip path of an import (half the cost of a frozen dataclass)."""

    text: str
    parts: tuple[str, ...]

    @classmethod
    def of(cls, path: str) -> _Spellings:
        text = strip_url(path)
        key = _key_width(text)[0]
        # candidate_paths strips the stripped text again: the same text unless it still looks like a URL
        again = key if text == text.strip() and text[:5].lower() != "file:" else path_key(text)
        return cls(text, tuple(again.split(PLACEHOLDER)) if PLACEHOLDER in again else ())

    def starts(self) -> list[str]:
        """Texts every spelling starts with, each followed by ASCII or a digit (``by_path_starts``): the text
        before the frame token, and the path itself when it does not start so."""
        if not self.parts:
            return [self.text]
        start = self.parts[0]
        return [start] if self.text.startswith(start) else [start, self.text]

    def rank(self, stored: str) -> int | None:
        """The place of a stored path among the spellings (0 the path itself), None when it is none of them."""
        if stored == self.text:
            return 0
        parts = self.parts
        if len(parts) == 2:
            first, last = parts
            if len(stored) > len(first) + len(last) and stored.startswith(first) and stored.endswith(last):
                return _TOKEN_RANK.get(stored[len(first):len(stored) - len(last)])
            return None
        for token in _TOKENS if parts else ():  # a literal placeholder in the path: every one is replaced
            if token.join(parts) == stored:
                return _TOKEN_RANK[token]
        return None


def shot_version_of(*names: str | None) -> tuple[str | None, str | None]:
    """(shot, version) found in a clip name, reel or file name: ``sh010_comp_v003`` -> (sh010, v003)."""
    for name in names:
        if not name:
            continue
        shot = _SHOT.search(name)
        version = _VERSION.search(name)
        if shot and version:
            return shot.group(1), f"v{int(version.group(1)):03d}"
    for name in names:
        if name:
            found = lenient_hierarchy(name)
            if found.shot and found.version:
                return found.shot, found.version
    return None, None


class ClipSources(NamedTuple):
    """What a clip says about its media, read from the clip once: its name, every path it names (reference
    URL or sequence, kept paths, EDL ``SOURCE FILE`` comments) and its EDL reel. A named tuple: one is made
    per clip of an import (half the cost of a frozen dataclass)."""

    name: str
    paths: tuple[str, ...]
    reel: str | None


def clip_sources(clip: otio.schema.Clip, horus: dict[str, Any] | None = None) -> ClipSources:
    """The :class:`ClipSources` of a clip (``horus``: its ``horus`` metadata when the caller read it already)."""
    out: list[str] = []
    ref = clip.media_reference
    if isinstance(ref, otio.schema.ExternalReference) and ref.target_url:
        out.append(str(ref.target_url))
    elif isinstance(ref, otio.schema.ImageSequenceReference):
        out.append(f"{ref.target_url_base}{ref.name_prefix}%0{ref.frame_zero_padding}d{ref.name_suffix}")
    kept = (meta(clip) if horus is None else horus).get("media_path")
    if kept:
        out.append(str(kept))
    if ref is not None:
        kept = meta(ref).get("media_path")
        if kept:
            out.append(str(kept))
    cmx = metadata_entry(clip, "cmx_3600") or {}
    for comment in cmx.get("comments") or ():
        found = _SOURCE_FILE.match(str(comment))
        if found:
            out.append(found.group(1))
    reel = cmx.get("reel")
    return ClipSources(clip.name, tuple(dict.fromkeys(out)), str(reel) if reel is not None else None)


def node_sources(node: Mapping[str, Any], horus: Mapping[str, Any],
                 active: tuple[str, Mapping[str, Any] | None] | None = None) -> ClipSources:
    """:func:`clip_sources` read from a clip's otio_json dict (``horus``: its ``horus`` metadata; ``active``:
    its :func:`~.otio_parse.active_reference` when the caller read it already), without OTIO's wrappers (tens
    of microseconds a key: an import of thousands of clips)."""
    out: list[str] = []
    kind, ref = active_reference(node) if active is None else active
    if kind == "ExternalReference" and ref is not None and ref.get("target_url"):
        out.append(str(ref["target_url"]))
    elif kind == "ImageSequenceReference" and ref is not None:
        out.append(f"{ref['target_url_base']}{ref['name_prefix']}%0{ref['frame_zero_padding']}d"
                   f"{ref['name_suffix']}")
    kept = horus.get("media_path")
    if kept:
        out.append(str(kept))
    if ref is not None and (ref.get("metadata") or {}).get(NS) is not None:  # a reference's is seldom there
        kept = horus_of(ref, "media reference metadata").get("media_path")
        if kept:
            out.append(str(kept))
    cmx = (node.get("metadata") or {}).get("cmx_3600")
    reel = None
    if cmx:  # an EDL's clip (a dict, or OTIO's wrapper of one): SOURCE FILE comments and reel
        for comment in cmx.get("comments") or ():
            found = _SOURCE_FILE.match(str(comment))
            if found:
                out.append(found.group(1))
        reel = cmx.get("reel")
    paths = tuple(out) if len(out) < 2 else tuple(dict.fromkeys(out))
    return ClipSources(str(node.get("name") or ""), paths, str(reel) if reel is not None else None)


def clip_paths(clip: otio.schema.Clip) -> list[str]:
    """Every path a clip names: its reference's URL or sequence, kept paths, EDL ``SOURCE FILE`` comments."""
    return list(clip_sources(clip).paths)


@dataclass
class MediaMatcher:
    """Finds the media of clips, with lookups cached for one import: only the columns a clip keeps of its
    media are read (``store.media_match``), not whole records."""

    store: Store
    project_id: str | None = None

    def __post_init__(self) -> None:
        from horus_desktop.store.media_match import MediaMatchReads  # the store's classes load on use

        self._reads = MediaMatchReads(self.store.uow)
        self._by_path: dict[str, MediaMatch | None] = {}
        self._by_name: dict[tuple[str, str], MediaMatch | None] = {}

    def prefetch(self, clips: Iterable[otio.schema.Clip | ClipSources]) -> None:
        """Look up every spelling of every clip path, and every shot+version named by clips whose paths
        match nothing, in a few batched reads (one query per kind, not per clip: imports of thousands)."""
        sources = [c if isinstance(c, ClipSources) else clip_sources(c) for c in clips]
        if not self._prefetch_starts(sources):
            self._prefetch_spellings(sources)
        names: set[tuple[str, str]] = set()
        for source in sources:
            if self.by_path(source.paths) is None:
                shot, version = shot_version_of(*self._names(source))
                if shot and version and (shot, version) not in self._by_name:
                    names.add((shot, version))
        if names:
            by_name = self._reads.by_shot_versions(names, self.project_id)
            for key in names:
                found_versions = by_name.get(key) or []
                self._by_name[key] = found_versions[0] if found_versions else None

    def _prefetch_starts(self, sources: list[ClipSources]) -> bool:
        """Every clip path's media from one read of the stored paths starting as its spellings start
        (``MediaMatchReads.by_path_starts``): the first spelling in candidate order, then the row stored
        first. False, having read nothing, where the store cannot read so (PostgreSQL)."""
        wanted: dict[str, _Spellings] = {}
        for source in sources:
            for path in source.paths:
                if path not in self._by_path and path not in wanted:
                    wanted[path] = _Spellings.of(path)
        starts: list[str] = []
        owner: list[str] = []
        for path, spellings in wanted.items():
            for start in spellings.starts():
                starts.append(start)
                owner.append(path)
        found = self._reads.by_path_starts(starts)
        if found is None:
            return False
        best: dict[str, tuple[int, int, MediaMatch]] = {}
        for path, rows in zip(owner, found, strict=True):
            spellings = wanted[path]
            for rowid, media in rows:
                rank = spellings.rank(media.file_path)
                if rank is not None and (path not in best or (rank, rowid) < best[path][:2]):
                    best[path] = (rank, rowid, media)
        for path in wanted:
            chosen = best.get(path)
            self._by_path[path] = chosen[2] if chosen is not None else None
        return True

    def _prefetch_spellings(self, sources: list[ClipSources]) -> None:
        """:meth:`_prefetch_starts` by the spellings themselves, in two reads."""
        wanted: dict[str, list[str]] = {}
        for source in sources:
            for path in source.paths:
                if path not in self._by_path and path not in wanted:
                    wanted[path] = _first_spellings(path)
        # Two reads: first each path's spellings up to the one its own frame token implies (``####`` ->
        # ``%04d``, what ingest stores), then the remaining spellings of the paths still unmatched. The first
        # spelling found in candidate order wins, as if all had been read at once.
        found = self._reads.by_paths(dict.fromkeys(s for first in wanted.values() for s in first))
        rest: dict[str, list[str]] = {}
        for path, first in wanted.items():
            for spelling in first:
                if spelling in found:
                    self._by_path[path] = found[spelling]
                    break
            else:
                rest[path] = _spellings(path)[0][len(first):]
        if any(rest.values()):
            found.update(self._reads.by_paths(dict.fromkeys(s for c in rest.values() for s in c)))
        for path, more in rest.items():
            self._by_path[path] = next((found[c] for c in more if c in found), None)

    def by_path(self, paths: Iterable[str]) -> MediaMatch | None:
        """The first live media stored under any spelling of one of ``paths``."""
        for path in paths:
            if path not in self._by_path:
                found = None
                for spelling in candidate_paths(path):
                    found = self._reads.by_paths([spelling]).get(spelling)
                    if found is not None:
                        break
                self._by_path[path] = found
            if self._by_path[path] is not None:
                return self._by_path[path]
        return None

    def by_shot_version(self, shot: str, version: str) -> MediaMatch | None:
        """The media of a shot at a version (newest first when several departments match)."""
        key = (shot, version)
        if key not in self._by_name:
            found = self._reads.by_shot_versions([key], self.project_id).get(key)
            self._by_name[key] = found[0] if found else None
        return self._by_name[key]

    @staticmethod
    def _names(source: ClipSources) -> list[str | None]:
        return [source.name, source.reel, *(p.rsplit("/", 1)[-1] for p in source.paths)]

    def match(self, clip: otio.schema.Clip | ClipSources) -> tuple[MediaMatch | None, str]:
        """The media of a clip and how it was found (``path``, ``name`` or ``missing``)."""
        source = clip if isinstance(clip, ClipSources) else clip_sources(clip)
        media = self.by_path(source.paths)
        if media is not None:
            return media, "path"
        shot, version = shot_version_of(*self._names(source))
        if shot and version:
            media = self.by_shot_version(shot, version)
            if media is not None:
                return media, "name"
        return None, "missing"
