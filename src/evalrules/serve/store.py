"""The rulesets a service serves: every ``*.rules`` file under one directory, compiled, each
with its name and version, held as one immutable :class:`Snapshot` that :class:`Store` replaces
whole when a file changes (a request reads the snapshot once, so it sees one version or the
other, never a mix).

A ruleset's name is its path under the directory without ``.rules`` (``fanwen9/team-city``);
its version is a shortened sha256 of its text and of every file it extends, in order, so a
graded result names exactly the text that graded it. ``extends`` may not leave the directory.

Imports :mod:`ruleset`, :mod:`resolve` and :mod:`diagnostics`; never the web framework.
"""

from __future__ import annotations

import hashlib
import os
import threading
import time
from pathlib import Path

from attrs import field, frozen

from ..diagnostics import Diagnostic, RulesetError
from ..resolve import NotARuleset, read_ruleset
from ..ruleset import Ruleset, compile

#: Hex digits of the sha256 a version keeps: 64 bits, plenty to tell a directory's versions apart.
VERSION_DIGITS = 16

#: A file written this close (ns) before a snapshot was made may have been written again within
#: the file system's clock tick, keeping its time and size: such files are compared by content
#: until they are older (git's "racily clean" files).
RACY_NS = 2_000_000_000

#: Files as last seen: (path, mtime in ns, size, inode) of every ``*.rules`` of the directory
#: and every file a ruleset extends, sorted.
Signature = tuple[tuple[str, int, int, int], ...]


@frozen
class Entry:
    """One ruleset file: its text, compiled (``ruleset``) or not (None, and ``diagnostics`` say
    why; a compiled one's are its warnings), and its ``version``."""

    name: str
    path: str
    version: str
    source: str
    ruleset: Ruleset | None
    diagnostics: tuple[Diagnostic, ...] = ()
    #: The sha256 of every file read to compile it (itself and what it extends), by path.
    files: dict[str, str] = field(factory=dict)


@frozen
class Snapshot:
    """Every ruleset of the directory at one moment, by name."""

    entries: dict[str, Entry]
    signature: Signature
    made_ns: int  # when its files began to be read (time.time_ns)

    def files(self) -> dict[str, str]:
        """Every file read, by path: its content's sha256."""
        return {path: digest for e in self.entries.values() for path, digest in e.files.items()}

    def stale(self, seen: Signature) -> bool:
        """Whether the files seen now (:func:`signature`) may differ from those read."""
        if seen != self.signature:
            return True
        files = self.files()
        for path, mtime, _, _ in seen:
            if mtime >= self.made_ns - RACY_NS and _sha(path) != files.get(path):
                return True
        return False


class OutsideDirectory(NotARuleset):
    """``extends`` naming a file outside the served directory."""


def signature(directory: Path, extended: tuple[str, ...] = ()) -> Signature:
    """What changes when a ruleset file (or a file one extends) is added, removed or written."""
    paths = set(extended)
    for root, dirs, files in os.walk(directory):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        paths.update(os.path.join(root, name) for name in files if name.endswith(".rules"))
    seen = []
    for path in paths:
        try:
            info = os.stat(path)
        except OSError:  # removed while we looked: the next look sees it gone
            continue
        seen.append((path, info.st_mtime_ns, info.st_size, info.st_ino))
    return tuple(sorted(seen))


def _sha(path: str) -> str | None:
    """The sha256 of a file's text as :func:`compile_confined` hashes it."""
    try:
        return hashlib.sha256(read_ruleset(path).encode("utf-8")).hexdigest()
    except OSError:
        return None


def name_of(directory: Path, path: str) -> str:
    return Path(path).relative_to(directory).with_suffix("").as_posix()


def load_entry(directory: Path, path: str) -> Entry:
    """Compile one file of ``directory``."""
    name = name_of(directory, path)
    root = os.path.realpath(directory)
    try:
        if os.path.commonpath([root, os.path.realpath(path)]) != root:  # a link out of it
            raise OutsideDirectory(f"it is outside the served directory {directory}")
        text = read_ruleset(path)
    except OSError as e:
        return Entry(name, path, "", "", None, (_unreadable(path, e),))
    files: dict[str, str] = {}
    ruleset, diagnostics, version = compile_confined(directory, path, text, files)
    return Entry(name, path, version, text, ruleset, diagnostics, files)


def compile_confined(directory: Path, path: str, text: str, files: dict[str, str] | None = None
                     ) -> tuple[Ruleset | None, tuple[Diagnostic, ...], str]:
    """``text`` compiled as the file ``path`` of ``directory``, reading what it extends only
    inside the directory: (the ruleset or None, its diagnostics, its version). The version
    hashes exactly the texts compiled; ``files`` is given each one's sha256 by path."""
    files = {} if files is None else files
    root = os.path.realpath(directory)
    digest = hashlib.sha256()

    def remember(where: str, text: str) -> None:
        files[where] = hashlib.sha256(text.encode("utf-8")).hexdigest()
        digest.update(name_of(directory, where).encode("utf-8") + b"\0")
        digest.update(text.encode("utf-8") + b"\0")

    def confined(name: str, including: str | None) -> tuple[str, str]:
        base = Path(including).parent if including else Path(directory)
        target = os.path.normpath(base / name)
        if os.path.commonpath([root, os.path.realpath(target)]) != root:
            raise OutsideDirectory(f"it is outside the served directory {directory}")
        read = read_ruleset(target)
        remember(target, read)
        return target, read

    remember(path, text)
    try:
        ruleset = compile(text, path=path, loader=confined)
    except RulesetError as e:
        return None, tuple(e.diagnostics), digest.hexdigest()[:VERSION_DIGITS]
    return ruleset, ruleset.warnings, digest.hexdigest()[:VERSION_DIGITS]


def _unreadable(path: str, error: OSError) -> Diagnostic:
    from ..ast import Span

    return Diagnostic("error", "E501", f"cannot read ruleset: {error}", Span(path, 0, 0, 0, 0))


def load_snapshot(directory: Path) -> Snapshot:
    made = time.time_ns()
    seen = signature(directory)
    entries = {}
    for path, _, _, _ in seen:
        entry = load_entry(directory, path)
        entries[entry.name] = entry
    extended = {p for e in entries.values() for p in e.files}
    seen = signature(directory, tuple(extended))  # a change since shows at the next look
    return Snapshot(entries, _older(seen, made), made)


def _older(seen: Signature, made: int) -> Signature:
    """``seen`` as it was when reading began: a file changed since gets no time, so the next
    look reads it again."""
    return tuple((p, m if m < made else -1, s, i) for p, m, s, i in seen)


class Store:
    """The current :class:`Snapshot` of a directory, made again when its files change (looked
    at on every :meth:`snapshot`: a walk of the directory and a stat of each file, well under a
    millisecond for the bundled rulesets). The new snapshot replaces the old by one assignment,
    so every reader has one whole snapshot; one thread at a time makes a new one."""

    def __init__(self, directory: str | os.PathLike) -> None:
        self.directory = Path(directory).resolve()
        self._lock = threading.Lock()
        self._current = load_snapshot(self.directory)

    def snapshot(self) -> Snapshot:
        current = self._current
        if not current.stale(self._seen(current)):
            return current
        with self._lock:
            if self._current is current or self._current.stale(self._seen(self._current)):
                self._current = load_snapshot(self.directory)
            return self._current

    def _seen(self, snapshot: Snapshot) -> Signature:
        return signature(self.directory, tuple(p for p, *_ in snapshot.signature))
