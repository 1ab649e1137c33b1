"""The studio: a page in the browser where an author edits one ruleset and sees, as they type,
its problems, its grades on sample records, what changed against the base ruleset or the saved
file, why a record got its grade, and the cases beside it (``evalrules studio``; docs/studio.md).

The computing is :mod:`.workspace`'s, the HTTP face :mod:`.routes`' (the decision service's app
with the page added); the page itself is static/ (CodeMirror 6 bundled from editors/codemirror).
Needs the ``studio`` extra (the service's packages).
"""

from __future__ import annotations

from .routes import app
from .workspace import Workspace

__all__ = ["Workspace", "app"]
