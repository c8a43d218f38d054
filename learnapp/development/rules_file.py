"""Parsing the development rules file (content/development-rules.yaml) with line numbers.

The parser walks the YAML node tree (yaml.compose), as the credit rules do, so every problem names
its line and key; a file with any problem is refused whole.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import yaml
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from learnapp.accounts.models import Stage
from learnapp.development.steps import RECORDERS, STEP_CODES
from learnapp.rules_yaml import NodeReader, label_in_language

# name: (the 细则's value, lowest allowed, highest allowed). A bureau may be stricter, not looser:
# minimum intervals may only grow, time limits only shrink; the 党章's numbers are fixed.
PARAMETERS: dict[str, tuple[int, int, int]] = {
    "talk_within_months": (1, 1, 1),
    "activist_min_months": (12, 12, 60),
    "activist_exam_every_months": (6, 1, 6),
    "training_min_days": (3, 3, 30),
    "training_min_hours": (24, 24, 240),
    "approval_within_months": (3, 1, 3),
    "probation_months": (12, 12, 12),
    "probation_exam_every_months": (6, 1, 6),
    "extension_min_months": (6, 6, 12),
    "extension_max_months": (12, 6, 12),
    "extensions_max": (1, 1, 1),
}

# What each number means, for the rules page, its form and `flask development rules show`.
PARAMETER_LABELS = {
    "talk_within_months": _l("Talk after the application within (months)"),
    "activist_min_months": _l("Activist at least (months) before becoming a development target"),
    "activist_exam_every_months": _l("Branch examines activists every (months)"),
    "training_min_days": _l("Training class at least (days)"),
    "training_min_hours": _l("or at least (study hours)"),
    "approval_within_months": _l("Committee approval within (months) of the branch meeting"),
    "probation_months": _l("Probation (months)"),
    "probation_exam_every_months": _l("Examination during probation every (months)"),
    "extension_min_months": _l("Extension of probation at least (months)"),
    "extension_max_months": _l("Extension of probation at most (months)"),
    "extensions_max": _l("Extensions at most (times)"),
}

REQUIREMENT_KINDS = ("step", "any_step", "after_months", "within_months", "training", "introducers", "contacts",
                     "review", "vote", "probation_over", "extension", "at_stage", "min_age")
STEP_KEYS = ("stage", "label", "recorded_by", "decided_by", "repeatable", "repeat_months", "optional", "data",
             "citation", "requires")
DATA_KINDS = ("count", "people", "text")


@dataclass(frozen=True)
class Requirement:
    """One condition of a step. `args` hold numbers already resolved from the parameters."""

    kind: str
    args: dict
    citation: str
    line: int = 0

    @property
    def since(self) -> str | None:
        return self.args.get("since")


@dataclass(frozen=True)
class StepRule:
    code: str
    stage: int
    label_zh: str
    label_en: str
    recorded_by: str
    citation: str
    requires: tuple[Requirement, ...] = ()
    decided_by: str | None = None
    repeatable: bool = False
    repeat_months: int | None = None
    optional: bool = False
    data: dict = field(default_factory=dict)  # field name -> list of choices | "count" | "people" | "text"

    @property
    def label(self) -> str:
        """The label in the current language (Chinese unless the person reads English)."""
        return label_in_language(self.label_zh, self.label_en)

    @property
    def committee_decides(self) -> bool:
        return self.decided_by is not None

    @property
    def prerequisites(self) -> tuple[str, ...]:
        """The steps that must be done before this one (`step` requirements)."""
        return tuple(r.args["code"] for r in self.requires if r.kind == "step")


@dataclass(frozen=True)
class ParsedRules:
    parameters: dict[str, int]
    steps: tuple[StepRule, ...]
    parameter_lines: dict[str, int]


class _Parser(NodeReader):
    def __init__(self) -> None:
        super().__init__()
        self.parameters: dict[str, int] = {}

    def text(self, node: Node, key: str) -> str | None:
        if not isinstance(node, ScalarNode) or not str(node.value).strip():
            self.fail(node, key, _("must be a text"))
            return None
        return str(node.value).strip()

    def flag(self, node: Node, key: str) -> bool:
        if not isinstance(node, ScalarNode) or not node.tag.endswith(":bool"):
            self.fail(node, key, _("must be true or false"))
            return False
        return str(node.value).lower() in ("true", "yes", "on")

    def number(self, node: Node, key: str) -> int | None:
        """A whole number, or the name of a parameter."""
        if isinstance(node, ScalarNode) and node.tag.endswith(":str"):
            name = str(node.value)
            if name not in self.parameters:
                self.fail(node, key, _("unknown parameter %(name)s", name=name))
                return None
            return self.parameters[name]
        return self.integer(node, key, 0, 1000)

    def code(self, node: Node, key: str) -> str | None:
        value = self.text(node, key)
        if value is not None and value not in STEP_CODES:
            self.fail(node, key, _("unknown step %(code)s", code=value))
            return None
        return value


def _parameters(p: _Parser, node: Node) -> dict[str, int]:
    lines: dict[str, int] = {}
    entries = p.mapping(node, "parameters", tuple(PARAMETERS))
    for name, (default, low, high) in PARAMETERS.items():
        if name not in entries:
            p.parameters[name] = default
            continue
        value = p.integer(entries[name][1], f"parameters.{name}", low, high)
        lines[name] = entries[name][1].start_mark.line + 1
        p.parameters[name] = default if value is None else value
    if p.parameters["extension_min_months"] > p.parameters["extension_max_months"]:
        p.fail(entries.get("extension_min_months", (node, node))[1], "parameters.extension_min_months",
               _("must not be more than extension_max_months"))
    return lines


def _requirement(p: _Parser, node: Node, key: str, default_citation: str) -> Requirement | None:
    entries = p.mapping(node, key, (*REQUIREMENT_KINDS, "citation"))
    citation = default_citation
    if "citation" in entries:
        citation = p.text(entries.pop("citation")[1], f"{key}.citation") or default_citation
    if len(entries) != 1:
        if isinstance(node, MappingNode):
            p.fail(node, key, _("give exactly one of: %(kinds)s", kinds=", ".join(REQUIREMENT_KINDS)))
        return None
    kind, (_k, value) = next(iter(entries.items()))
    path = f"{key}.{kind}"
    line = node.start_mark.line + 1
    args: dict = {}
    if kind == "step":
        args["code"] = p.code(value, path)
    elif kind == "any_step":
        if not isinstance(value, SequenceNode) or not value.value:
            p.fail(value, path, _("must be a list of step codes"))
            return None
        args["codes"] = tuple(p.code(v, f"{path}[{i}]") for i, v in enumerate(value.value))
    elif kind in ("after_months", "within_months", "probation_over"):
        parts = p.mapping(value, path, ("since", "months"))
        if set(parts) != {"since", "months"}:
            p.fail(value, path, _("give since (a step code) and months"))
            return None
        args["since"] = p.code(parts["since"][1], f"{path}.since")
        args["months"] = p.number(parts["months"][1], f"{path}.months")
    elif kind == "training":
        parts = p.mapping(value, path, ("since", "days", "hours"))
        if set(parts) != {"since", "days", "hours"}:
            p.fail(value, path, _("give since (a step code), days and hours"))
            return None
        args["since"] = p.code(parts["since"][1], f"{path}.since")
        args["days"] = p.number(parts["days"][1], f"{path}.days")
        args["hours"] = p.number(parts["hours"][1], f"{path}.hours")
    elif kind == "introducers":
        args["count"] = p.number(value, path)
    elif kind == "min_age":
        args["years"] = p.number(value, path)
    elif kind in ("contacts", "extension"):
        names = ("min", "max") if kind == "contacts" else ("min", "max", "times")
        parts = p.mapping(value, path, names)
        if set(parts) != set(names):
            p.fail(value, path, _("give %(keys)s", keys=", ".join(names)))
            return None
        for name in names:
            args[name] = p.number(parts[name][1], f"{path}.{name}")
    elif kind in ("review", "vote"):
        expected = "qualified" if kind == "review" else "majority"
        if not isinstance(value, ScalarNode) or value.value != expected:
            p.fail(value, path, _("must be %(value)s", value=expected))
            return None
    elif kind == "at_stage":
        stage = p.text(value, path)
        if stage not in {s.value for s in Stage}:
            p.fail(value, path, _("unknown stage %(stage)s", stage=stage))
            return None
        args["stage"] = Stage(stage)
    if any(v is None for v in args.values()) or any(v is None for v in args.get("codes", ())):
        return None
    return Requirement(kind, args, citation, line)


def _data(p: _Parser, node: Node, key: str) -> dict:
    result = {}
    for name, (_k, vnode) in p.mapping(node, key).items():
        if isinstance(vnode, SequenceNode) and vnode.value:
            result[name] = tuple(str(v.value) for v in vnode.value if isinstance(v, ScalarNode))
        elif isinstance(vnode, ScalarNode) and vnode.value in DATA_KINDS:
            result[name] = vnode.value
        else:
            p.fail(vnode, f"{key}.{name}", _("must be a list of choices or one of: %(kinds)s", kinds=", ".join(DATA_KINDS)))
    return result


def _step(p: _Parser, code: str, node: Node) -> StepRule | None:
    entries = p.mapping(node, f"steps.{code}", STEP_KEYS)
    if not isinstance(node, MappingNode):
        return None
    for required in ("stage", "label", "recorded_by", "citation"):
        if required not in entries:
            p.fail(node, f"steps.{code}.{required}", _("is required"))
    if any(r not in entries for r in ("stage", "label", "recorded_by", "citation")):
        return None
    key = f"steps.{code}"
    stage = p.integer(entries["stage"][1], f"{key}.stage", 1, 5)
    label = p.mapping(entries["label"][1], f"{key}.label", ("zh", "en"))
    zh = p.text(label["zh"][1], f"{key}.label.zh") if "zh" in label else None
    en = p.text(label["en"][1], f"{key}.label.en") if "en" in label else None
    if zh is None or en is None:
        p.fail(entries["label"][1], f"{key}.label", _("give zh and en"))
    recorded_by = p.text(entries["recorded_by"][1], f"{key}.recorded_by")
    if recorded_by is not None and recorded_by not in RECORDERS:
        p.fail(entries["recorded_by"][1], f"{key}.recorded_by", _("must be one of: %(kinds)s", kinds=", ".join(RECORDERS)))
    decided_by = None
    if "decided_by" in entries:
        decided_by = p.text(entries["decided_by"][1], f"{key}.decided_by")
        if decided_by != "committee_admin":
            p.fail(entries["decided_by"][1], f"{key}.decided_by", _("must be committee_admin"))
    citation = p.text(entries["citation"][1], f"{key}.citation") or ""
    requires = []
    if "requires" in entries:
        node_list = entries["requires"][1]
        if not isinstance(node_list, SequenceNode):
            p.fail(node_list, f"{key}.requires", _("must be a list"))
        else:
            for i, item in enumerate(node_list.value):
                requirement = _requirement(p, item, f"{key}.requires[{i}]", citation)
                if requirement is not None:
                    requires.append(requirement)
    order = STEP_CODES.index(code)
    for r in requires:
        for earlier in (r.args.get("code"), r.since, *r.args.get("codes", ())):
            if earlier is not None and STEP_CODES.index(earlier) >= order:
                p.fail(node, f"{key}.requires", _("%(code)s is not an earlier step", code=earlier))
    return StepRule(
        code=code, stage=stage or 1, label_zh=zh or code, label_en=en or code, recorded_by=recorded_by or "branch_admin",
        citation=citation, requires=tuple(requires), decided_by=decided_by,
        repeatable=p.flag(entries["repeatable"][1], f"{key}.repeatable") if "repeatable" in entries else False,
        repeat_months=p.number(entries["repeat_months"][1], f"{key}.repeat_months") if "repeat_months" in entries else None,
        optional=p.flag(entries["optional"][1], f"{key}.optional") if "optional" in entries else False,
        data=_data(p, entries["data"][1], f"{key}.data") if "data" in entries else {},
    )


def parse_rules(text: str, *, source: str = "") -> ParsedRules:
    """Parse and check a development rules file; raises RulesError listing every problem with its line."""
    p = _Parser()
    root, top = p.top(text, ("parameters", "steps"), source)
    lines = _parameters(p, top["parameters"][1]) if "parameters" in top else {}
    if "parameters" not in top:
        p.parameters = {name: default for name, (default, _low, _high) in PARAMETERS.items()}
    steps: list[StepRule] = []
    if "steps" not in top:
        p.fail(root, "steps", _("is required"))
    else:
        steps_node = top["steps"][1]
        entries = p.mapping(steps_node, "steps")
        for code, (knode, vnode) in entries.items():
            if code not in STEP_CODES:
                p.fail(knode, f"steps.{code}", _("unknown step (the steps are fixed: %(codes)s)", codes=", ".join(STEP_CODES)))
                continue
            rule = _step(p, code, vnode)
            if rule is not None:
                steps.append(rule)
        missing = [c for c in STEP_CODES if c not in entries]
        if missing and isinstance(steps_node, MappingNode):
            p.fail(steps_node, "steps", _("missing steps: %(codes)s", codes=", ".join(missing)))
        listed = [c for c in entries if c in STEP_CODES]
        if not missing and listed != list(STEP_CODES):
            p.fail(steps_node, "steps", _("the steps must be listed in the procedure's order"))
    p.refuse_if_problems(source)
    return ParsedRules(parameters=dict(p.parameters), steps=tuple(steps), parameter_lines=lines)


def with_parameters(text: str, values: dict[str, int]) -> str:
    """The rules text with new numbers under `parameters` (comments and layout kept); a parameter
    not yet in the file is added at the end of the block."""
    parsed = parse_rules(text)
    root = yaml.compose(text, Loader=yaml.SafeLoader)
    lines = text.split("\n")
    params_node = next((v for k, v in root.value if k.value == "parameters"), None)
    missing = []
    for name, value in values.items():
        if parsed.parameters.get(name) == value and name in parsed.parameter_lines:
            continue
        node = next((v for k, v in params_node.value if k.value == name), None) if params_node is not None else None
        if node is None:
            missing.append(f"  {name}: {int(value)}")
            continue
        row = node.start_mark.line
        line = lines[row]
        lines[row] = line[: node.start_mark.column] + str(int(value)) + line[node.end_mark.column:]
    if missing:
        if params_node is None:
            lines[:0] = ["parameters:", *missing]
        else:
            lines[params_node.end_mark.line: params_node.end_mark.line] = missing
    return "\n".join(lines)
