"""Every sentence the command line says to a person, in Chinese and in English, side by side.

A message is a key (``"run.summary"``) and a pair of templates (Chinese, English) with the same
``{placeholders}``; :func:`say` fills one in. Code that talks to a person names the key and hands
over the values, never the sentence, so that a run speaks one language from the first line to the
last and a translation can be read, and checked, in one place (tests/test_messages.py holds every
pair to the same placeholders).

The language is Chinese unless asked otherwise: ``--lang en``, or the ``EVALRULES_LANG``,
``LC_ALL``, ``LC_MESSAGES`` or ``LANG`` environment variable (the first one set) starting with
``en`` (:func:`language`). The library's own exceptions (``InputError``, ``DataError``) keep their
English text for programs; the command line says them with :func:`say` from their data.

Imports nothing of evalrules.
"""

from __future__ import annotations

import os
import string
from collections.abc import Mapping

#: The languages a message is written in.
LANGUAGES = ("zh", "en")

#: key → (Chinese, English). Grouped by where they are said; keep each group's keys together.
MESSAGES: dict[str, tuple[str, str]] = {
    # ------------------------------------------------------------ reading a data file
    "read.no_file": ("找不到数据文件：{path}", "no such data file: {path}"),
    # ------------------------------------------------------------ writing results
    # ------------------------------------------------------------ a run's summary
    # ------------------------------------------------------------ explanations
    # ------------------------------------------------------------ the report
    # ------------------------------------------------------------ diff
    # ------------------------------------------------------------ record errors (InputError)
}


def language(explicit: str | None = None, environ: Mapping[str, str] | None = None) -> str:
    """The language to speak: ``explicit`` (``--lang``) when given, English when the first set
    of ``EVALRULES_LANG``, ``LC_ALL``, ``LC_MESSAGES``, ``LANG`` starts with ``en``, else
    Chinese."""
    if explicit is not None:
        if explicit not in LANGUAGES:
            raise ValueError(f"lang must be one of {', '.join(LANGUAGES)}, not {explicit!r}")
        return explicit
    environ = os.environ if environ is None else environ
    for name in ("EVALRULES_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(name, "")
        if value:
            return "en" if value.lower().startswith("en") else "zh"
    return "zh"


def say(key: str, lang: str, /, **values: object) -> str:
    """The message ``key`` in ``lang`` with its placeholders filled in."""
    zh, en = MESSAGES[key]
    return (zh if lang == "zh" else en).format(**values)


def placeholders(template: str) -> set[str]:
    """The names a template fills in (``{total}`` → ``total``)."""
    return {name.split(".")[0].split("[")[0] for _, name, _, _ in string.Formatter().parse(template)
            if name}
