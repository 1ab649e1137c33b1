"""The pieces of a ``quota`` line (its size and rounding, a higher size ``when``, ``among``) as
the transformer meets them, and an ``ast.Quota``'s fields made of them (their meaning:
:mod:`quotas`). :mod:`parse` builds the quota itself, with its span and citation. Imports
nothing of evalrules.
"""

from __future__ import annotations

from typing import Any

import attrs


@attrs.frozen
class QuotaPart:
    """A piece of a ``quota`` line as the transformer builds it, before :func:`quota_fields`."""

    part: str
    value: Any


def quota_fields(children: list) -> dict[str, Any]:
    """An ``ast.Quota``'s fields from the pieces of its line (its size, the higher size, among,
    the capped label of a 末位 quota, keys). A higher rate unrounded in the text is rounded as
    the first size (``at most 20% rounded up, at most 25% when …``: both up)."""
    fields: dict[str, Any] = {}
    for c in children:
        if isinstance(c, QuotaPart):
            if c.part == "size":
                fields["share"], rounding = c.value
                fields["rounding"] = rounding or "down"
            elif c.part == "more":
                (size, rounding), when = c.value
                first = fields["rounding"]
                fields["more"] = (size, rounding or ("down" if first == "places" else first),
                                  when)
            else:
                fields[c.part] = c.value
        elif isinstance(c, tuple):
            fields["keys"] = c
        else:
            fields["label"] = str(c)
    return fields


class QuotaPieces:
    """The transformer's callbacks for a quota line's pieces. Lark's ``v_args`` on the
    transformer does not reach inherited callbacks, so these take the children only (no meta:
    a piece needs no span)."""

    def quota_rate(self, children):
        return QuotaPart("size", (children[0], children[1] if len(children) > 1 else None))

    def quota_places(self, children):
        return QuotaPart("size", (children[0], "places"))

    def rounding(self, children):
        return str(children[0]) if children else "nearest"

    def quota_more(self, children):
        size, when = children
        return QuotaPart("more", (size.value, when))

    def quota_among(self, children):
        return QuotaPart("among", children[0])
