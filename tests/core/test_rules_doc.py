"""docs/rules.md states every rule and names the test files that prove it (issue 14, item 8).

The "Proven by" lines are derived from the tests, so they cannot drift: this test fails when
they differ, and `python -m tests.core.test_rules_doc` rewrites them.
"""
from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "rules.md"
FAMILIES = "GEN|LBL|ANN|SKIP|OPT|LIVE|SAMP|REV|QA|MEM|ML|PRED|AL|STO|WH|DZ|DM|DASH"
# `SKIP-1` in a comment or `__SKIP_1` in a test name; not part of a longer word or number.
MENTION = re.compile(rf"(?<![A-Za-z])({FAMILIES})[-_](\d+)(?!\d)")
RULE_LINE = re.compile(rf"^- \*\*(({FAMILIES})-\d+)\*\*", re.MULTILINE)
PROOF_LINE = re.compile(r"^  Proven by: .*$", re.MULTILINE)


def proofs() -> dict[str, list[str]]:
    """Rule ID -> the test files that name it."""
    found: dict[str, set[str]] = defaultdict(set)
    for path in sorted((ROOT / "tests").rglob("*.py")):
        if path.resolve() == Path(__file__).resolve():
            continue
        for family, number in MENTION.findall(path.read_text()):
            found[f"{family}-{number}"].add(path.relative_to(ROOT).as_posix())
    return {rule: sorted(files) for rule, files in found.items()}


def render(doc: str, found: dict[str, list[str]]) -> str:
    """The document with each rule's "Proven by" line rewritten from `found`."""
    blocks = RULE_LINE.split(doc)
    out = [blocks[0]]
    for rule, _family, body in zip(blocks[1::3], blocks[2::3], blocks[3::3]):
        files = ", ".join(f"`{f}`" for f in found.get(rule, [])) or "-"
        out.append(f"- **{rule}**" + PROOF_LINE.sub(f"  Proven by: {files}", body, count=1))
    return "".join(out)


def test_every_rule_is_stated_and_proven():
    doc = DOC.read_text()
    stated = RULE_LINE.findall(doc)
    rules = [rule for rule, _ in stated]
    found = proofs()
    assert len(rules) == len(set(rules)), "a rule is stated twice"
    assert not [r for r in rules if r not in found], "rules no test names"
    assert not sorted(set(found) - set(rules)), "tests name rules the document does not state"


def test_proven_by_lines_match_the_tests():
    doc = DOC.read_text()
    assert render(doc, proofs()) == doc, "run: python -m tests.core.test_rules_doc"


if __name__ == "__main__":
    DOC.write_text(render(DOC.read_text(), proofs()))
