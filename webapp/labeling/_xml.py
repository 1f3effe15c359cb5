"""Safe XML reading that keeps each element's line number.

ElementTree drops source positions, and error messages must point at a line, so a
custom parser target builds a small node tree and asks expat for the current line at
each start tag. defusedxml refuses DTDs, so entity expansion and external entities
(billion laughs, XXE) never run. Size, depth and element count are bounded before or
while expat reads, so a hostile config fails fast instead of exhausting the recursion
limit or the CPU in the checks that walk the tree (issue 13 point 6).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterator
from xml.etree.ElementTree import ParseError
from xml.parsers.expat import ErrorString

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser

from .errors import ConfigError

MAX_CONFIG_BYTES = 256 * 1024
MAX_DEPTH = 32
MAX_ELEMENTS = 5000


@dataclass
class Node:
    tag: str
    attrib: dict[str, str]
    line: int
    children: list["Node"] = field(default_factory=list)
    text: str = ""

    def iter(self) -> Iterator["Node"]:
        """This node and all descendants, in document order."""
        yield self
        for child in self.children:
            yield from child.iter()


class _Builder:
    """Parser target: ElementTree calls start/end/data/close on it."""

    def __init__(self) -> None:
        self.expat = None  # set once the parser exists
        self.root: Node | None = None
        self._stack: list[Node] = []
        self._count = 0

    def start(self, tag: str, attrib: dict[str, str]) -> None:
        line = self.expat.CurrentLineNumber
        if len(self._stack) >= MAX_DEPTH:
            raise ConfigError(f"tags nest deeper than {MAX_DEPTH} levels", line)
        self._count += 1
        if self._count > MAX_ELEMENTS:
            raise ConfigError(f"the config has more than {MAX_ELEMENTS} tags", line)
        node = Node(tag, dict(attrib), line)
        if self._stack:
            self._stack[-1].children.append(node)
        else:
            self.root = node
        self._stack.append(node)

    def end(self, tag: str) -> None:
        self._stack.pop()

    def data(self, text: str) -> None:
        if self._stack:
            self._stack[-1].text += text

    def close(self) -> Node | None:
        return self.root


def read_xml(xml: str) -> Node:
    """Parse ``xml`` into a Node tree or raise ConfigError with the parser's line."""
    size = len(xml.encode("utf-8", "surrogatepass"))
    if size > MAX_CONFIG_BYTES:
        raise ConfigError(f"the config is {size // 1024:,} KB; at most {MAX_CONFIG_BYTES // 1024} KB is accepted")
    builder = _Builder()
    parser = DefusedXMLParser(target=builder, forbid_dtd=True)
    builder.expat = parser.parser
    try:
        parser.feed(xml)
        root = parser.close()
    except ParseError as exc:
        raise ConfigError(f"malformed XML: {ErrorString(exc.code)}", exc.position[0]) from None
    except DefusedXmlException:
        line = parser.parser.CurrentLineNumber
        raise ConfigError("DTDs and entity declarations are not allowed", line) from None
    return root  # close() raises ParseError when there was no element
