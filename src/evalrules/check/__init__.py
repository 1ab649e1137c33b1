"""The checker's stage: :func:`check` turns a resolved module into a :class:`Checked` ruleset (see
:mod:`.checker`), and :mod:`.model` holds what it produces. Backends consume only :class:`Checked`.
"""

from .checker import check
from .model import (
    AGGREGATES,
    BALLOT,
    BOOL,
    ERROR,
    FUNCTIONS,
    LIST_FUNCTIONS,
    NUMBER,
    POLICIES,
    RESERVED,
    RESULT_COLUMNS,
    TEXT,
    Checked,
    GroupNode,
    Kind,
    LimitNode,
    QuotaNode,
    Type,
    closure,
    failure_message,
    is_aggregate,
    list_call,
    references,
)

__all__ = [
    "AGGREGATES", "BALLOT", "BOOL", "ERROR", "FUNCTIONS", "LIST_FUNCTIONS", "NUMBER", "POLICIES",
    "RESERVED", "RESULT_COLUMNS", "TEXT", "Checked", "GroupNode", "Kind", "LimitNode",
    "QuotaNode", "Type", "check", "closure", "failure_message", "is_aggregate", "list_call",
    "references",
]
