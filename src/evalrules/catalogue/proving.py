"""What a counterexample (or an example) of ``evalrules verify`` shows: the ``verify.shows.*``
keys of :class:`evalrules.prove.report.Counterexample`, said of the record(s) it holds.

Part of the message catalogue (:mod:`evalrules.messages`). Imports nothing.
"""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    # ------------------------------------------------------------ verify: what a record shows
    "verify.shows.false": ("{condition} 不成立", "{condition} is false"),
    "verify.shows.vote_lowers": (
        "{ballot} 的一票由 {worse} 改投 {better}，{target} 反而由 {before} 降为 {after}",
        "moving one vote of {ballot} from {worse} to {better} lowers {target} from {before} "
        "to {after}"),
    "verify.shows.raise_lowers": (
        "{input} 由 {low} 提高到 {high}，{target} 反而由 {before} 降为 {after}",
        "raising {input} from {low} to {high} lowers {target} from {before} to {after}"),
    "verify.shows.error": ("有效记录无法评定：{error}", "a valid record cannot be graded: {error}"),
    "verify.shows.label": ("{grade} 评为 {label}", "{grade} is {label}"),
    "verify.shows.decides": ("{grade} 由规则 {label} 决定", "rule {label} decides {grade}"),
    "verify.shows.both_hold": ("{grade} 的规则 {first} 与 {second} 同时成立",
                               "rules {first} and {second} of {grade} both hold"),
    "verify.shows.veto_changes": (
        "{veto} 使 {grade} 由 {before} 变为 {after}",
        "{veto} changes {grade} from {before} to {after}"),
    "verify.shows.outcome_holds": ("{outcome} 成立", "{outcome} holds"),
    "verify.shows.outcome_fails": ("{outcome} 不成立", "{outcome} does not hold"),
}
