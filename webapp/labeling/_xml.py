"""Safe XML reading that keeps each element's line number.

ElementTree drops source positions, and error messages must point at a line, so a
custom parser target builds a small node tree and asks expat for the current line at
each start tag. defusedxml refuses DTDs, so entity expansion and external entities
(billion laughs, XXE) never run.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterator
from xml.etree.ElementTree import ParseError
from xml.parsers.expat import ErrorString

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser

from .errors import ConfigError


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

    def start(self, tag: str, attrib: dict[str, str]) -> None:
        node = Node(tag, dict(attrib), self.expat.CurrentLineNumber)
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
