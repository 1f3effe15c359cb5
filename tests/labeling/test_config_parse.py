"""LBL-1: the NLP subset of Label Studio's config syntax parses into LabelingConfig."""
from __future__ import annotations

import ast
from pathlib import Path

import webapp.labeling
from webapp.labeling import ControlType, Header, ObjectType, Option, parse_config
from webapp.labeling.appearance import PALETTE

FULL = """<View style="display: flex">
  <Style>.htx-text { white-space: pre-wrap; }</Style>
  <Header value="Read the text"/>
  <View style="flex: 1">
    <Text name="text" value="$text"/>
    <HyperText name="html" value="$page"/>
  </View>
  <Labels name="label" toName="text" choice="multiple">
    <Label value="PER" background="#ff0000" hotkey="Shift+P"/>
    <Label value="ORG"/>
  </Labels>
  <Choices name="sentiment" toName="text" choice="single-radio" required="true">
    <Choice value="Positive" alias="pos"/>
    <Choice value="Negative"/>
  </Choices>
  <TextArea name="summary" toName="text" placeholder="Summary" rows="5"/>
  <Rating name="stars" toName="html" maxRating="10"/>
  <Number name="score" toName="text" min="0" max="1.5"/>
  <Taxonomy name="topic" toName="text">
    <Choice value="Science">
      <Choice value="Physics"/>
      <Choice value="Biology"/>
    </Choice>
    <Choice value="Arts"/>
  </Taxonomy>
  <Relations><Relation value="works for"/></Relations>
</View>"""


def test_full_config_parses__LBL_1() -> None:
    config = parse_config(FULL)
    assert {n: o.type for n, o in config.objects.items()} == {"text": ObjectType.TEXT, "html": ObjectType.HYPERTEXT}
    assert config.data_fields == {"text", "page"}
    assert [c.type for c in config.controls.values()] == [
        ControlType.LABELS, ControlType.CHOICES, ControlType.TEXTAREA,
        ControlType.RATING, ControlType.NUMBER, ControlType.TAXONOMY,
    ]
    c = config.controls
    assert c["label"].multiple and c["label"].to_name == "text"
    assert not c["sentiment"].multiple and c["sentiment"].required
    assert (c["summary"].placeholder, c["summary"].rows) == ("Summary", 5)
    assert c["stars"].max_rating == 10 and c["stars"].to_name == "html"
    assert (c["score"].min_value, c["score"].max_value) == (0.0, 1.5)
    assert c["topic"].options == (
        Option("Science", children=(Option("Physics"), Option("Biology"))),
        Option("Arts"),
    )
    assert config.labels_of("sentiment") == ("Positive", "Negative")
    assert isinstance(config.layout[0], Header) and config.layout[0].value == "Read the text"
    assert [getattr(t, "name", None) for t in config.layout[1:]] == [
        "text", "html", "label", "sentiment", "summary", "stars", "score", "topic",
    ]


def test_defaults__LBL_1() -> None:
    config = parse_config("""<View><Text name="t" value="$t"/>
      <Rating name="r" toName="t"/><TextArea name="a" toName="t"/><Number name="n" toName="t"/></View>""")
    r, a, n = config.controls.values()
    assert r.max_rating == 5 and not r.required
    assert (a.rows, a.placeholder) == (3, "")
    assert (n.min_value, n.max_value) == (None, None)


def test_tag_names_are_case_insensitive__LBL_1() -> None:
    config = parse_config('<view><text name="t" value="$t"/><choices name="c" toName="t"><choice value="A"/></choices></view>')
    assert config.controls["c"].type is ControlType.CHOICES


def test_header_text_content__LBL_1() -> None:
    config = parse_config('<View><Header>Hello</Header><Text name="t" value="$t"/><Rating name="r" toName="t"/></View>')
    assert config.layout[0] == Header("Hello")


def test_choice_hotkeys_are_digits_across_the_config__LBL_1() -> None:
    config = parse_config("""<View><Text name="t" value="$t"/>
      <Choices name="a" toName="t"><Choice value="A1"/><Choice value="A2" hotkey="3"/><Choice value="A3"/></Choices>
      <Choices name="b" toName="t">""" + "".join(f'<Choice value="B{i}"/>' for i in range(8)) + """</Choices>
    </View>""")
    hotkeys = [o.hotkey for c in config.controls.values() for o in c.options]
    assert hotkeys == ["1", "3", "2", "4", "5", "6", "7", "8", "9", None, None]


def test_label_hotkeys_prefer_initials_without_clashes__LBL_1() -> None:
    config = parse_config("""<View><Text name="t" value="$t"/>
      <Labels name="l" toName="t">
        <Label value="PER"/><Label value="Place"/><Label value="ORG" hotkey="O"/><Label value="Other"/><Label value="42"/>
      </Labels>
      <Choices name="c" toName="t"><Choice value="x"/></Choices>
    </View>""")
    assert [o.hotkey for o in config.controls["l"].options] == ["p", "a", "o", "b", "c"]
    assert config.controls["c"].options[0].hotkey == "1"


def test_label_hotkeys_fall_back_to_digits__LBL_1() -> None:
    labels = "".join(f'<Label value="L{i}"/>' for i in range(28))
    config = parse_config(f'<View><Text name="t" value="$t"/><Labels name="l" toName="t">{labels}</Labels></View>')
    hotkeys = [o.hotkey for o in config.controls["l"].options]
    assert hotkeys[0] == "l" and hotkeys[-2:] == ["0", "1"] and len(set(hotkeys)) == 28


def test_explicit_hotkeys_kept_lowercased__LBL_1() -> None:
    options = parse_config(FULL).controls["label"].options
    assert options[0].hotkey == "shift+p"


def test_label_colours_default_from_palette__LBL_1() -> None:
    labels = "".join(f'<Label value="L{i}"/>' for i in range(len(PALETTE) + 1))
    xml = f'<View><Text name="t" value="$t"/><Labels name="l" toName="t"><Label value="X" background=" #abc "/>{labels}</Labels></View>'
    colours = [o.background for o in parse_config(xml).controls["l"].options]
    assert colours[0] == "#abc"
    assert colours[1:] == [*PALETTE[1:], PALETTE[0], PALETTE[1]]
    assert colours == [o.background for o in parse_config(xml).controls["l"].options]


def test_choices_keep_background_only_when_given__LBL_1() -> None:
    options = parse_config(FULL).controls["sentiment"].options
    assert [o.background for o in options] == [None, None]


def test_labeling_package_imports_no_web_or_db_framework() -> None:
    """The domain stays pure; checked on the source because ``webapp/__init__`` may import Flask."""
    package = Path(webapp.labeling.__file__).parent
    imported = set()
    for path in package.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                imported |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                imported.add(node.module.split(".")[0])
    assert not imported & {"flask", "sqlalchemy", "flask_sqlalchemy", "webapp"}
