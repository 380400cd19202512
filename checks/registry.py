"""Every rule, in one place: its id, its number in the rule list, what it checks and its function.

A rule is a function from a ``Filing`` to the notes it raises (see ``checks.findings``); the
engine names the rule on each note and applies the form template's settings, which may switch a
rule off or change its severity.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from checks.filing import Filing
from checks.findings import ERROR, SEVERITY_LABELS, WARNING, Note
from checks.rules import basis, cost, header, names, output, satisfaction, structure, tasks, values, weights

# The kinds of 申报表 (projects.kinds) a rule applies to: every rule reads the 二级 form; the 一级 and
# 部门整体 forms have no codes, durations, 指标解释, weights or 测算依据, so only the rules about their
# indicator names and values, satisfaction, duplicates and (部门整体) their task totals apply to them.
PROJECT = ("project",)
EVERY_KIND = ("project", "program", "overall")


@dataclass(frozen=True)
class Rule:
    id: str
    number: int
    title: str
    severities: tuple[str, ...]
    check: Callable[[Filing], Iterable[Note]]
    kinds: tuple[str, ...] = PROJECT

    @property
    def severity_label(self) -> str:
        return " / ".join(SEVERITY_LABELS[severity] for severity in self.severities)

    @property
    def description(self) -> str:
        lines = (self.check.__doc__ or "").strip().splitlines()
        return lines[0] if lines else self.title


RULES: tuple[Rule, ...] = (
    Rule("required_categories", 1, "必填二级指标有实际的三级指标", (ERROR,), structure.required_categories),
    Rule("header_complete", 2, "表头完整，项目编码符合所属区", (ERROR,), header.header_complete),
    Rule(
        "amounts_and_duration",
        3,
        "本年度金额不超过总金额，实施期限至少1年",
        (ERROR, WARNING),
        header.amounts_and_duration,
    ),
    Rule("row_complete", 4, "三级指标有名称、指标值和指标解释", (ERROR, WARNING), structure.row_complete),
    Rule("value_readable", 5, "指标值可识别、有单位、比率在0–100%", (ERROR,), values.value_readable, EVERY_KIND),
    Rule("quantity_upper_bound", 6, "数量指标写成上限", (WARNING,), output.quantity_upper_bound),
    Rule("quantity_rate", 7, "数量指标是比率", (WARNING,), output.quantity_rate),
    Rule("cost_target", 8, "成本指标是金额并与预算一致", (ERROR, WARNING), cost.cost_target),
    Rule("timeliness", 9, "时效指标是时限或及时率", (ERROR, WARNING), output.timeliness),
    Rule("satisfaction", 10, "满意度指标是≥的百分比", (ERROR, WARNING), satisfaction.satisfaction, EVERY_KIND),
    Rule("vague_value", 11, "模糊的定性指标值", (ERROR, WARNING), values.vague_value, EVERY_KIND),
    Rule("input_measure", 12, "以资金投入代替产出或效益", (WARNING,), values.input_measure),
    Rule("duplicate_names", 13, "三级指标名称重复", (ERROR,), structure.duplicate_names, EVERY_KIND),
    Rule("goals_copied", 14, "长期目标照抄年度目标", (WARNING,), header.goals_copied),
    Rule("task_totals", 15, "年度主要任务的合计等于各项任务之和", (ERROR,), tasks.task_totals, ("overall",)),
    Rule(
        "tasks_match_projects",
        16,
        "年度主要任务与所报项目的金额一致",
        (WARNING,),
        tasks.tasks_match_projects,
        ("overall",),
    ),
    Rule("placeholder_residue", 17, "三级指标留有模板占位内容", (ERROR,), names.placeholder_residue, EVERY_KIND),
    Rule("name_number_mismatch", 18, "名称中的数字与指标值不一致", (WARNING,), names.name_number_mismatch, EVERY_KIND),
    Rule("rate_above_100", 19, "比率指标的目标超过100%", (ERROR,), values.rate_above_100, EVERY_KIND),
    Rule("weights_total", 20, "权重齐全且合计符合表样", (ERROR,), weights.weights_total),
    Rule("basis_adds_up", 21, "测算依据的各项金额与本年度金额一致", (WARNING,), basis.basis_adds_up),
)
RULES_BY_ID = {rule.id: rule for rule in RULES}
