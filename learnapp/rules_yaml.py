"""Reading a rules file (credit rules, development rules, scoring schemes) from YAML nodes, so that
every error names its line and key, and a file with any error is refused whole."""

from __future__ import annotations

from dataclasses import dataclass

import yaml
from flask_babel import get_locale
from flask_babel import gettext as _
from yaml.nodes import MappingNode, Node, ScalarNode


@dataclass(frozen=True)
class RuleProblem:
    line: int
    key: str
    message: str

    def __str__(self) -> str:
        if self.key:
            return _("line %(line)d: %(key)s: %(message)s", line=self.line, key=self.key, message=self.message)
        return _("line %(line)d: %(message)s", line=self.line, message=self.message)


def label_in_language(label_zh: str, label_en: str) -> str:
    """A rules file's label (given in both languages) in the current language: Chinese unless the
    person reads English, and outside a request."""
    try:
        language = get_locale().language if get_locale() else "zh"
    except (RuntimeError, AttributeError):
        language = "zh"
    return label_en if language == "en" else label_zh


class RulesError(Exception):
    """A rules file could not be used; `problems` name the line and key of each error."""

    def __init__(self, problems: list[RuleProblem], source: str = ""):
        self.problems = problems
        self.source = source
        super().__init__("\n".join(f"{source}: {p}" if source else str(p) for p in problems))


class NodeReader:
    """Collects every problem of a file instead of stopping at the first; the parsers of each kind of
    rules add their own value readers."""

    def __init__(self) -> None:
        self.problems: list[RuleProblem] = []

    def top(self, text: str, keys: tuple[str, ...], source: str = "") -> tuple[Node, dict[str, tuple[Node, Node]]]:
        """The file's root node and its top-level entries (`keys` allowed). Not YAML, empty, or not
        a mapping: RulesError at once (nothing else can be read)."""
        try:
            root = yaml.compose(text, Loader=yaml.SafeLoader)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
            problem = getattr(exc, "problem", None) or str(exc)
            raise RulesError([RuleProblem(mark.line + 1 if mark else 1, "", _("not valid YAML: %(problem)s", problem=problem))],
                             source) from None
        if root is None:
            raise RulesError([RuleProblem(1, "", _("the file is empty"))], source)
        top = self.mapping(root, "", keys)
        if not isinstance(root, MappingNode):
            raise RulesError(self.problems, source)
        return root, top

    def refuse_if_problems(self, source: str = "") -> None:
        """Every problem found, in the order of the file's lines: the file is refused whole."""
        if self.problems:
            raise RulesError(sorted(self.problems, key=lambda x: x.line), source)

    def fail(self, node: Node | None, key: str, message: str) -> None:
        self.problems.append(RuleProblem(node.start_mark.line + 1 if node is not None else 1, key, message))

    def mapping(self, node: Node, key: str, allowed: tuple[str, ...] | None = None) -> dict[str, tuple[Node, Node]]:
        """The mapping's entries by key; a duplicate or (with `allowed`) unknown key is a problem."""
        if not isinstance(node, MappingNode):
            self.fail(node, key, _("must be a mapping of keys to values"))
            return {}
        result: dict[str, tuple[Node, Node]] = {}
        for knode, vnode in node.value:
            name = str(knode.value) if isinstance(knode, ScalarNode) else ""
            path = f"{key}.{name}" if key else name
            if name in result:
                self.fail(knode, path, _("appears twice"))
            elif allowed is not None and name not in allowed:
                self.fail(knode, path, _("unknown key (allowed: %(keys)s)", keys=", ".join(allowed)))
            else:
                result[name] = (knode, vnode)
        return result

    def integer(self, node: Node, key: str, low: int = 0, high: int = 1000) -> int | None:
        if not isinstance(node, ScalarNode) or not node.tag.endswith(":int"):
            self.fail(node, key, _("must be a whole number"))
            return None
        value = int(str(node.value).replace("_", ""), 0)
        if not low <= value <= high:
            self.fail(node, key, _("must be between %(low)d and %(high)d", low=low, high=high))
            return None
        return value
