"""A trace (JSON-ready decisions) → plain words in Chinese or English, readable aloud in a 反馈.

Works on the trace data only, so a trace saved as JSON can be explained later.
Imports nothing of evalrules.
"""

from __future__ import annotations

from typing import Any

#: Per language: the phrases (str) and the tables of phrases by policy and quantifier (dict).
_WORDS: dict[str, dict[str, Any]] = {
    "zh": {
        "policy": {"first": "按顺序取第一条成立的规则", "worst": "取成立规则中最低的档次",
                   "best": "取成立规则中最高的档次", "unique": "至多一条规则成立"},
        "quantifier": {"all": "全部满足", "any": "任一满足", "most": "多数满足",
                       "at least": "至少满足 {n} 项"},
        "yes": "成立", "no": "不成立", "skipped": "未判定",
        "counted": "（{total} 项中 {hits} 项成立）",
        "counted_skipped": "（{total} 项中 {hits} 项成立，{skipped} 项未判定）",
        "rule": "{mark} {label}：{what}",
        "decided": "由 {label} 规则评定为 {value}。",
        "otherwise": "以上规则均不成立，按 otherwise 评为 {value}。",
        "true": "是", "false": "否",
        "lower": "降低 {n} 档", "raise": "提高 {n} 档", "at most": "至多为 {label}",
        "at least": "至少为 {label}", "set": "定为 {label}",
        "veto": "一票否决 {veto}：因 {because} 为真，{grade}{action}（{before} → {after}）。",
        "quota": "名额限制 {quota}（按 {group} 分组）：本组超出名额，{grade}降低 1 档"
                 "（{before} → {after}）。",
        "final": "{grade}：{value}",
        "outcomes": "适用结果：{names}", "no outcomes": "适用结果：无",
        "sep": "；",
    },
    "en": {
        "policy": {"first": "the first rule that matches, in written order",
                   "worst": "the lowest grade of the rules that match",
                   "best": "the highest grade of the rules that match",
                   "unique": "at most one rule may match"},
        "quantifier": {"all": "all of", "any": "any of", "most": "most of",
                       "at least": "at least {n} of"},
        "yes": "holds", "no": "does not hold", "skipped": "not evaluated",
        "counted": " ({hits} of {total} hold)",
        "counted_skipped": " ({hits} of {total} hold, {skipped} not evaluated)",
        "rule": "{mark} {label}: {what}",
        "decided": "decided by the rule for {label}: {value}.",
        "otherwise": "no rule matches, so otherwise: {value}.",
        "true": "true", "false": "false",
        "lower": "lowered {n} grade{s}", "raise": "raised {n} grade{s}",
        "at most": "capped at {label}", "at least": "raised to at least {label}",
        "set": "set to {label}",
        "veto": "{action} by veto {veto} because {because} is true ({before} → {after}).",
        "quota": "lowered one grade by the quota {quota} (per {group}): the group had more "
                 "than its share ({before} → {after}).",
        "final": "{grade}: {value}",
        "outcomes": "outcomes: {names}", "no outcomes": "outcomes: none",
        "sep": "; ",
    },
}
_ONE = {"en": "one"}


def explain(trace: dict, lang: str = "zh") -> str:
    if lang not in _WORDS:
        raise ValueError(f"lang must be 'zh' or 'en', not {lang!r}")
    w = _WORDS[lang]
    lines = [trace["ruleset"]]
    for g in trace["grades"]:
        lines.append(w["final"].format(grade=g["grade"], value=g["value"]))
        lines.append(f"  {w['policy'][g['policy']]}:" if lang == "en" else
                     f"  {w['policy'][g['policy']]}：")
        for rule in g["rules"]:
            mark = "✓" if rule["matched"] else "✗"
            lines.append("  " + w["rule"].format(mark=mark, label=rule["label"],
                                                 what=_summary(rule["condition"], w)))
            lines.extend(_parts(rule["condition"], w, "      "))
        if g["decided_by"] == "otherwise":
            lines.append("  " + w["otherwise"].format(value=g["table_value"]))
        else:
            lines.append("  " + w["decided"].format(label=g["decided_by"],
                                                    value=g["table_value"]))
        for v in g["vetoes"]:
            lines.append("  " + _veto(v, g["grade"], w, lang))
    holding = [o["outcome"] for o in trace["outcomes"] if o["holds"]]
    lines.append(w["outcomes"].format(names="、".join(holding) if lang == "zh"
                                      else ", ".join(holding)) if holding else w["no outcomes"])
    return "\n".join(lines)


def _veto(v: dict, grade: str, w: dict, lang: str) -> str:
    if "quota" in v:
        return w["quota"].format(quota=v["quota"], group=v["group"], grade=grade,
                                 before=v["from"], after=v["to"])
    n = v["amount"]
    action = w[v["action"]].format(n=_ONE.get(lang, n) if n == 1 and lang == "en" else n,
                                   s="" if n == 1 else "s", label=v["label"])
    return w["veto"].format(veto=v["veto"], because=v["because"], grade=grade, action=action,
                            before=v["from"], after=v["to"])


def _value(value, w: dict) -> str:
    if value is None:
        return w["skipped"]
    if value is True:
        return w["yes"]
    if value is False:
        return w["no"]
    return str(value)


def _summary(detail: dict, w: dict) -> str:
    if "quantifier" in detail:
        q = w["quantifier"][detail["quantifier"]].format(n=detail["count"])
        total = len(detail["parts"])
        skipped = sum(p["value"] is None for p in detail["parts"])
        counted = w["counted_skipped" if skipped else "counted"]
        return q + counted.format(hits=detail["matched"], total=total, skipped=skipped)
    return _leaf(detail, w)


def _leaf(detail: dict, w: dict) -> str:
    shown = [f"{name} = {_plain(v, w)}" for name, v in detail.get("values", {}).items()
             if isinstance(v, (str, bool)) or v is not None]
    text = detail["text"]
    status = _value(detail["value"], w)
    if shown:
        return f"{text} [{', '.join(shown)}] → {status}"
    return f"{text} → {status}"


def _plain(value, w: dict) -> str:
    if value is True:
        return w["true"]
    if value is False:
        return w["false"]
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k} {v}" for k, v in value.items()) + "}"
    return str(value)


def _parts(detail: dict, w: dict, indent: str) -> list[str]:
    if "quantifier" not in detail:
        return []
    lines = []
    for part in detail["parts"]:
        mark = {True: "✓", False: "✗", None: "·"}[part["value"]]
        lines.append(f"{indent}{mark} {_summary(part, w)}")
        lines.extend(_parts(part, w, indent + "  "))
    return lines
