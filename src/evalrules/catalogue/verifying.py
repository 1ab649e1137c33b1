"""What ``evalrules verify`` says: each ruleset's verdict, the obligations that do not hold and
why, the counterexamples as cases, and the command's ``--help``.

Part of the message catalogue (:mod:`evalrules.messages`). Imports nothing.
"""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    # ------------------------------------------------------------ a ruleset's verdict
    "verify.report.heading": ("{name}（{path}）", "{name} ({path})"),
    "verify.report.verdict": (
        "  已证明 {proved} 项，推翻 {refuted} 项，未知 {unknown} 项（{seconds} 秒）",
        "  {proved} proved, {refuted} refuted, {unknown} unknown ({seconds} s)"),
    "verify.report.all_proved": (
        "  全部 {proved} 项已证明：对每一条有效记录都成立（{seconds} 秒）",
        "  all {proved} proved: they hold for every valid record ({seconds} s)"),
    "verify.report.grouped": (
        "  只验证了单条记录的部分：排名、组内值和名额调整视为任意值",
        "  per-record part only: ranks, group values and quota moves taken as free values"),
    "verify.report.abstract": (
        "  有的输入（数的列表）只能近似描述：反例只在参考求值器能重现时才给出",
        "  some inputs (lists of numbers) are described approximately: a counterexample is "
        "given only when the reference evaluator reproduces it"),
    "verify.report.not_compiled": ("{path}：规则集有错误，没有验证",
                                   "{path}: the ruleset has errors; not verified"),
    # ------------------------------------------------------------ one obligation
    "verify.report.error": ("错误", "error"),
    "verify.report.warning": ("警告", "warning"),
    "verify.report.refuted": ("不成立", "refuted"),
    "verify.report.unknown": ("未知", "unknown"),
    "verify.report.proved": ("已证明", "proved"),
    "verify.report.obligation": ("  {severity}（{status}）：{subject}",
                                 "  {severity} ({status}): {subject}"),
    "verify.report.proved_line": ("  已证明：{subject}", "  proved: {subject}"),
    "verify.report.asked": ("    要证明的：{asked}", "    asked: {asked}"),
    "verify.report.shows": ("    反例说明：{shows}", "    the counterexample shows: {shows}"),
    "verify.report.not_minimal": (
        "    （求解器在时限内没能找出票数最少的反例，这是它先找到的一条）",
        "    (not necessarily the fewest votes: the optimiser ran out of time, so this is the "
        "first record found)"),
    "verify.report.related": ("    涉及：{names}", "    involves: {names}"),
    "verify.report.masked_by": ("    挡住它的规则：{names}", "    masked by the rules: {names}"),
    "verify.report.none": ("    没有这样的有效记录", "    no valid record does"),
    "verify.report.never_holds": ("    它的条件对任何有效记录都不成立",
                                  "    its condition holds for no valid record"),
    "verify.report.detail": ("    说明：{detail}", "    detail: {detail}"),
    "verify.report.decisions": (
        "    假定组规则的决定为：{decisions}（用例要加上它所在的组 \"group\" 才能重现）",
        "    assuming the group rules decided: {decisions} (the case needs its group, "
        "\"group\", to reproduce)"),
    "verify.report.cases": (
        "    可以粘贴到 {target} 的用例（期望值是规则集现在给出的：请改成规定要求的）：",
        "    as cases for {target} (the expected values are what the ruleset gives now: "
        "correct them to what the regulation says):"),
    "verify.report.cases_file": ("用例文件", "the cases file"),
    "verify.report.case_name": ("{subject}（反例）", "{subject} (counterexample)"),
    "verify.report.case_before": ("{subject}（反例：移动前）",
                                  "{subject} (counterexample: before)"),
    "verify.report.case_after": ("{subject}（反例：移动后）",
                                 "{subject} (counterexample: after)"),
    # what each kind of obligation asks, in the ruleset's words
    "verify.report.asks.check": ("对每一条可评定的记录，{subject} 都成立",
                          "{subject} holds for every graded record"),
    "verify.report.asks.totality": ("没有哪条有效记录无法评定（{subject}）",
                             "no valid record fails to be graded ({subject})"),
    "verify.report.asks.reachable": ("有有效记录得到 {subject}",
                                     "some valid record gets {subject}"),
    "verify.report.asks.decides": ("{subject} 能为某条有效记录决定等次",
                            "{subject} decides the grade for some valid record"),
    "verify.report.asks.unique": ("{subject} 的规则不会同时成立",
                           "no two rules of {subject} hold at once"),
    "verify.report.asks.veto": ("{subject} 能改变某条有效记录的等次",
                         "{subject} changes the grade of some valid record"),
    "verify.report.asks.outcome-holds": ("{subject} 对某条有效记录成立",
                                  "{subject} holds for some valid record"),
    "verify.report.asks.outcome-fails": ("{subject} 对某条有效记录不成立",
                                  "{subject} does not hold for some valid record"),
    "verify.report.asks.monotone": ("把一票移到更好的类别，{subject} 不会变差",
                             "moving one vote to a better category never lowers {subject}"),
    # why an answer is unknown
    "verify.report.why_timeout": ("    原因：求解器 {seconds} 秒后放弃；可以加大 --timeout",
                               "    why: the solver gave up after {seconds} s; raise --timeout"),
    "verify.report.why_nonlinear": (
        "    原因：含两个未知数的乘积（如得分乘以作为输入的权重），超出求解器能判定的范围；"
        "没有证明，也没有反例",
        "    why: a product of two unknowns (a score times a weight that is an input, say) is "
        "beyond what the solver can decide; neither proved nor refuted"),
    "verify.report.why_approximate": (
        "    原因：求解器找到的反例用到数值列表，而列表只按其统计量近似描述；按它构造的列表在参考"
        "求值器上不成立，所以既没有证明也没有反例",
        "    why: the record the solver found reads a list of numbers, which is described only by "
        "its statistics, and the list built from them does not reproduce it in the reference "
        "evaluator; neither proved nor refuted"),
    "verify.report.why_other": ("    原因：求解器无法判定（{reason}）",
                             "    why: the solver could not decide ({reason})"),
    # a counterexample the reference evaluator does not reproduce
    "verify.report.bug": (
        "  evalrules 的缺陷（不是规则集的问题）：{subject} 的反例在参考求值器上不成立，"
        "说明求解器的编码与定义不一致。请报告，附上这条记录：",
        "  a bug of evalrules (not a finding about the ruleset): the counterexample to "
        "{subject} does not reproduce on the reference evaluator, so the solver's encoding "
        "disagrees with the definition. Please report it, with this record:"),
    "verify.report.record": ("    记录：{record}", "    record: {record}"),
    # the whole run
    "verify.report.summary": ("{count} 个规则集：{ok} 个通过，{failed} 个有问题",
                              "{count} rulesets: {ok} pass, {failed} fail"),
    "verify.report.needs_z3": (
        "evalrules verify 需要 verify 扩展（z3-solver：{error}），安装：{command}",
        "evalrules verify needs the verify extra (z3-solver: {error}): {command}"),
    # ------------------------------------------------------------ --help
    "help.verify": (
        "证明规则集的性质：对每一条有效记录，而不只是抽样的记录（用 z3 求解器）。\n\n"
        "对每个 RULESET：每一行 check always / check monotone 都要证明；任何有效记录都不会\n"
        "无法评定（除以零、空的选票、空历史的 .last）；每个等次都有记录能得到；每条规则都能\n"
        "为某条记录决定等次（被前面的规则挡住时给出警告并指出是哪几条）；(unique) 表的规则\n"
        "不会同时成立；每个一票否决都能改变等次；每个结果运用都能成立也能不成立。\n"
        "不成立的给出票数最少的反例，作为可以直接粘贴到用例文件的用例；求解器无法判定的\n"
        "报告为“未知”并说明原因，绝不当作已证明。有组规则（排名、名额）的规则集只验证单条\n"
        "记录的部分。\n\n"
        "退出状态：全部错误类的性质都已证明时为 0；有被推翻或未知的为 1（警告不算）；\n"
        "规则集有错误时为 1；缺少 z3-solver，或发现 evalrules 自身的缺陷时为 2。\n\n"
        "例子：\n"
        "  evalrules verify rulesets/fanwen9/team-city.rules\n"
        "  evalrules verify --monotone-all --timeout 30 rulesets/",
        "Prove properties of rulesets for every valid record, not sampled ones (with the z3 "
        "solver).\n\n"
        "For each RULESET: every `check always` and `check monotone` line is proved; no valid\n"
        "record can fail (division by zero, an empty ballot, .last of an empty history); every\n"
        "label is reachable; every rule decides the grade for some record (a rule the ones\n"
        "before it mask is a warning naming them); the rules of a (unique) table never hold at\n"
        "once; every veto can change a grade; every outcome can hold and can fail to hold.\n"
        "What does not hold comes with a counterexample of the fewest votes, as a case ready to\n"
        "paste into the cases file; what the solver cannot decide is reported unknown, with why,\n"
        "never as proved. A ruleset with group rules (ranks, quotas) is verified for its\n"
        "per-record part.\n\n"
        "Exit status 0 when every error-class property is proved; 1 when one is refuted or\n"
        "unknown (warnings aside) or a ruleset has errors; 2 without z3-solver, or when\n"
        "evalrules finds a bug of its own.\n\n"
        "examples:\n"
        "  evalrules verify rulesets/fanwen9/team-city.rules\n"
        "  evalrules verify --monotone-all --timeout 30 rulesets/"),
    "help.verify.rulesets": (
        "要验证的 .rules 文件（可以给多个）；给文件夹时，验证其中所有的 .rules 文件",
        "the .rules files to verify (one or more); a folder stands for every .rules file under "
        "it"),
    "help.verify.monotone_all": (
        "还要证明：对每张选票和每张等次表，把一票移到更好的类别，等次不会变差",
        "also prove, for every ballot and every grade table, that moving one vote to a better "
        "category never lowers the grade"),
    "help.verify.timeout": ("每个问题最多让求解器算多少秒（默认 10）；超时的报告为未知",
                            "seconds the solver may spend on one question (default 10); one "
                            "that takes longer is reported unknown"),
    "help.verify.json": ("输出 JSON：每个规则集的每一项及其反例（数值是精确的字符串）",
                         "print JSON: every obligation of every ruleset and its counterexample "
                         "(numbers as exact strings)"),
    "help.verify.verbose": ("也列出已证明的每一项", "list every proved obligation too"),
}
