"""How to install an optional part (an extra) of evalrules, said as a command that works where
this copy of evalrules came from: a package index, a checkout installed with ``pip install -e``,
a local directory, a git URL, or a source tree run without installing (``PYTHONPATH=src``).

``pip install "evalrules[cli]"`` is only right for a copy installed from an index: from a
checkout it fetches whatever an index calls evalrules (or nothing) and leaves the checkout
without the extra. pip records where a distribution came from in ``direct_url.json`` (PEP 610);
this module reads it. Standard library only; imports nothing from evalrules.
"""

from __future__ import annotations

import importlib.metadata
import json
from pathlib import Path
from urllib.parse import unquote, urlparse

#: The source tree this module runs from, when it runs from one (``src/evalrules/install.py``).
_TREE = Path(__file__).resolve().parents[2]


def install_command(extra: str, *, origin: dict | None = None, installed: bool | None = None,
                    tree: Path | None = None) -> str:
    """The shell command that installs ``evalrules[extra]`` into this environment.

    ``origin`` (the parsed ``direct_url.json``), ``installed`` and ``tree`` (the source tree
    this module runs from) are found out when not given; tests pass them to try each case.
    """
    if installed is None:
        origin, installed = _origin()
    if not installed:
        tree = _TREE if tree is None else tree
        if (tree / "pyproject.toml").is_file():
            return f'python -m pip install -e "{tree}[{extra}]"'
        return f'python -m pip install "evalrules[{extra}]"'
    if not origin:
        return f'python -m pip install "evalrules[{extra}]"'
    url = origin.get("url", "")
    if "dir_info" in origin and url.startswith("file:"):
        path = unquote(urlparse(url).path)
        editable = origin["dir_info"].get("editable", False)
        return f'python -m pip install {"-e " if editable else ""}"{path}[{extra}]"'
    vcs = origin.get("vcs_info")
    if vcs:
        commit = vcs.get("requested_revision") or vcs.get("commit_id", "")
        at = f"@{commit}" if commit else ""
        return f'python -m pip install "evalrules[{extra}] @ {vcs["vcs"]}+{url}{at}"'
    return f'python -m pip install "evalrules[{extra}] @ {url}"'


def _origin() -> tuple[dict | None, bool]:
    try:
        distribution = importlib.metadata.distribution("evalrules")
    except importlib.metadata.PackageNotFoundError:
        return None, False
    if not _is_this_copy(distribution):
        return None, False
    text = distribution.read_text("direct_url.json")
    try:
        return (json.loads(text) if text else None), True
    except ValueError:
        return None, True


def _is_this_copy(distribution: importlib.metadata.Distribution) -> bool:
    """Whether the installed distribution is the code running now (not a tree on PYTHONPATH that
    shadows an installed copy)."""
    here = Path(__file__).resolve()
    for file in distribution.files or ():
        if file.name == "install.py" and file.parent.name == "evalrules":
            return Path(str(distribution.locate_file(file))).resolve() == here
    text = distribution.read_text("direct_url.json")
    if text:
        try:
            url = json.loads(text).get("url", "")
        except ValueError:
            return False
        if url.startswith("file:"):
            root = Path(unquote(urlparse(url).path)).resolve()
            return here.is_relative_to(root)
    return False
