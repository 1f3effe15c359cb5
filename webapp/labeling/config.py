"""Parse and validate a Label Studio labeling config (NLP subset) into ``LabelingConfig``.

Every problem is a ``ConfigError`` naming the line of the offending tag, so the
settings page can point the author at it (rule LBL-2).
"""
from __future__ import annotations

import math
import re

from ._xml import Node, read_xml
from .appearance import HotkeyAllocator, default_colour
from .errors import ConfigError
from .model import ControlTag, ControlType, Header, LabelingConfig, ObjectTag, ObjectType, Option

__all__ = ["ConfigError", "parse_config"]

_OBJECT_TAGS = {t.value: t for t in ObjectType}
_CONTROL_TAGS = {t.value: t for t in ControlType}
_IGNORED = {"Relations", "Relation", "Style"}  # accepted for compatibility, not modelled
_LEAF_TAGS = {"Header", "TextArea", "Rating", "Number", *_OBJECT_TAGS}
_CANONICAL = {
    tag.lower(): tag
    for tag in {"View", "Header", "Choice", "Label", *_OBJECT_TAGS, *_CONTROL_TAGS, *_IGNORED}
}
_OPTION_TAG = {ControlType.CHOICES: "Choice", ControlType.TAXONOMY: "Choice", ControlType.LABELS: "Label"}
_CHOICE_MODES = {"single": False, "single-radio": False, "multiple": True}
_FIELD_RE = re.compile(r"^\$([A-Za-z_]\w*)$")
# Colours end up in a style attribute, so only plain colour syntax is let through.
_COLOUR_RE = re.compile(r"^(#[0-9a-fA-F]{3,8}|[a-zA-Z]+|(rgba?|hsla?)\([\d\s.,%]+\))$")


def parse_config(xml: str) -> LabelingConfig:
    """Parse ``xml`` or raise ConfigError (with the line) for the first problem found."""
    root = read_xml(xml)
    _canonicalise(root)
    if root.tag != "View":
        raise ConfigError(f"the root tag must be <View>, not <{root.tag}>", root.line)
    return _Parser(root).parse()


def _canonicalise(root: Node) -> None:
    """Accept tag names in any case (Label Studio does) and refuse unknown tags."""
    for node in root.iter():
        canonical = _CANONICAL.get(node.tag.lower())
        if canonical is None:
            raise ConfigError(f"Unknown tag <{node.tag}>", node.line)
        node.tag = canonical


def _describe(node: Node) -> str:
    name = node.attrib.get("name")
    return f"<{node.tag} name='{name}'>" if name else f"<{node.tag}>"


def _require(node: Node, attr: str) -> str:
    value = node.attrib.get(attr, "").strip()
    if not value:
        raise ConfigError(f"{_describe(node)} is missing the '{attr}' attribute", node.line)
    return value


def _positive_int(node: Node, attr: str, default: int) -> int:
    raw = node.attrib.get(attr, str(default)).strip()
    if not raw.isdigit() or int(raw) < 1:
        raise ConfigError(f"{_describe(node)} {attr}='{raw}' is not a positive integer", node.line)
    return int(raw)


def _number(node: Node, attr: str) -> float | None:
    raw = node.attrib.get(attr)
    if raw is None:
        return None
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise ConfigError(f"{_describe(node)} {attr}='{raw}' is not a number", node.line)
    return value


def _is_true(node: Node, attr: str) -> bool:
    return node.attrib.get(attr, "").strip().lower() == "true"


def _explicit_hotkeys(root: Node) -> list[tuple[str, int]]:
    return [
        (node.attrib["hotkey"], node.line)
        for node in root.iter()
        if node.tag in ("Choice", "Label") and node.attrib.get("hotkey", "").strip()
    ]


class _Parser:
    """Walks the node tree once, collecting objects, controls and layout in order."""

    def __init__(self, root: Node) -> None:
        self.root = root
        self.hotkeys = HotkeyAllocator(_explicit_hotkeys(root))
        self.lines: dict[str, int] = {}  # tag name -> line, for duplicate/toName errors
        self.objects: dict[str, ObjectTag] = {}
        self.controls: dict[str, ControlTag] = {}
        self.layout: list[Header | ObjectTag | ControlTag] = []

    def parse(self) -> LabelingConfig:
        self.visit_children(self.root)
        if not self.objects:
            raise ConfigError("the config has no object tag (<Text> or <HyperText>) to label", self.root.line)
        if not self.controls:
            kinds = ", ".join(f"<{t}>" for t in _CONTROL_TAGS)
            raise ConfigError(f"the config has no control tag ({kinds})", self.root.line)
        for control in self.controls.values():
            self.check_target(control)
        return LabelingConfig(self.objects, self.controls, tuple(self.layout))

    def visit_children(self, node: Node) -> None:
        for child in node.children:
            self.visit(child)

    def visit(self, node: Node) -> None:
        if node.tag in _LEAF_TAGS:
            _forbid_children(node)
        if node.tag == "View":
            self.visit_children(node)
        elif node.tag == "Header":
            self.layout.append(Header(node.attrib.get("value", node.text.strip())))
        elif node.tag in _OBJECT_TAGS:
            self.add(self.object_tag(node), node)
        elif node.tag in _CONTROL_TAGS:
            self.add(self.control_tag(node, _CONTROL_TAGS[node.tag]), node)
        elif node.tag not in _IGNORED:  # a Choice or Label outside its control
            owners = "<Labels>" if node.tag == "Label" else "<Choices> or <Taxonomy>"
            raise ConfigError(f"<{node.tag}> is only allowed inside {owners}", node.line)

    def add(self, tag: ObjectTag | ControlTag, node: Node) -> None:
        if tag.name in self.lines:
            first = self.lines[tag.name]
            raise ConfigError(f"duplicate name '{tag.name}' (first used on line {first})", node.line)
        self.lines[tag.name] = node.line
        target = self.objects if isinstance(tag, ObjectTag) else self.controls
        target[tag.name] = tag
        self.layout.append(tag)

    def object_tag(self, node: Node) -> ObjectTag:
        name = _require(node, "name")
        value = _require(node, "value")
        match = _FIELD_RE.match(value)
        if not match:
            raise ConfigError(
                f"{_describe(node)} value must name a task field like \"$text\", got '{value}'", node.line
            )
        return ObjectTag(name, _OBJECT_TAGS[node.tag], match.group(1))

    def control_tag(self, node: Node, kind: ControlType) -> ControlTag:
        common = dict(name=_require(node, "name"), type=kind, to_name=_require(node, "toName"),
                      required=_is_true(node, "required"))
        if kind in _OPTION_TAG:
            return ControlTag(**common, options=self.options(node, kind), multiple=_multiple(node, kind))
        if kind is ControlType.TEXTAREA:
            return ControlTag(**common, placeholder=node.attrib.get("placeholder", ""),
                              rows=_positive_int(node, "rows", 3))
        if kind is ControlType.RATING:
            return ControlTag(**common, max_rating=_positive_int(node, "maxRating", 5))
        return self.number_tag(node, common)

    def number_tag(self, node: Node, common: dict) -> ControlTag:
        low, high = _number(node, "min"), _number(node, "max")
        if low is not None and high is not None and low > high:
            raise ConfigError(f"{_describe(node)} min is greater than max", node.line)
        return ControlTag(**common, min_value=low, max_value=high)

    def options(self, node: Node, kind: ControlType, owner: Node | None = None) -> tuple[Option, ...]:
        """The option children of ``node``; for a Taxonomy, recursively (``owner`` is the tag)."""
        owner = owner or node
        wanted = _OPTION_TAG[kind]
        seen: set[str] = set()
        options = []
        for index, child in enumerate(node.children):
            if child.tag != wanted:
                raise ConfigError(f"<{child.tag}> is not allowed inside <{node.tag}>", child.line)
            value = _require(child, "value")
            if value in seen:
                raise ConfigError(f"duplicate value '{value}' in {_describe(owner)}", child.line)
            seen.add(value)
            options.append(self.option(child, value, kind, index, owner))
        if not options and owner is node:
            raise ConfigError(f"{_describe(node)} has no <{wanted}> options", node.line)
        return tuple(options)

    def option(self, node: Node, value: str, kind: ControlType, index: int, owner: Node) -> Option:
        hotkey = node.attrib.get("hotkey", "").strip().lower() or None
        if hotkey is None and kind is ControlType.CHOICES:
            hotkey = self.hotkeys.for_choice()
        elif hotkey is None and kind is ControlType.LABELS:
            hotkey = self.hotkeys.for_label(value)
        background = node.attrib.get("background", "").strip() or None
        if background is None and kind is ControlType.LABELS:
            background = default_colour(index)
        if background is not None and not _COLOUR_RE.match(background):
            raise ConfigError(f"<{node.tag} value='{value}'> background '{background}' is not a colour", node.line)
        if kind is not ControlType.TAXONOMY:
            _forbid_children(node)
            return Option(value, hotkey, background)
        return Option(value, hotkey, background, self.options(node, kind, owner))

    def check_target(self, control: ControlTag) -> None:
        """toName must name an object tag; every object type holds text, so Labels fit any."""
        if control.to_name in self.objects:
            return
        where = f"<{control.type.value} name='{control.name}'>"
        other = self.controls.get(control.to_name)
        if other is None:
            known = ", ".join(self.objects)
            message = f"{where} toName='{control.to_name}' names no object tag (object tags: {known})"
        elif control.type is ControlType.LABELS:
            message = f"{where} must point to a <Text> or <HyperText>, but '{other.name}' is a <{other.type.value}>"
        else:
            message = f"{where} toName='{control.to_name}' names a <{other.type.value}>, not an object tag"
        raise ConfigError(message, self.lines[control.name])


def _forbid_children(node: Node) -> None:
    if node.children:
        child = node.children[0]
        raise ConfigError(f"<{child.tag}> is not allowed inside <{node.tag}>", child.line)


def _multiple(node: Node, kind: ControlType) -> bool:
    if kind is ControlType.TAXONOMY:
        return True  # Label Studio's Taxonomy lets the annotator pick several paths
    mode = node.attrib.get("choice", "single").strip()
    if mode not in _CHOICE_MODES:
        allowed = ", ".join(_CHOICE_MODES)
        raise ConfigError(f"{_describe(node)} choice='{mode}' is not one of: {allowed}", node.line)
    return _CHOICE_MODES[mode]
