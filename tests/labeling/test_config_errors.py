"""LBL-2: saving a config answers a clear error, with the line, for every problem."""
from __future__ import annotations

import pytest

from webapp.labeling import ConfigError, parse_config

TEXT = '<Text name="text" value="$text"/>'
SENTIMENT = '<Choices name="s" toName="text"><Choice value="A"/></Choices>'


def _error(xml: str) -> ConfigError:
    with pytest.raises(ConfigError) as info:
        parse_config(xml)
    return info.value


# LBL-2: (xml, expected str(error)) – the line is part of the message.
CASES = {
    "malformed": (
        f"<View>\n  {TEXT}\n  <Choices name='s' toName='text'>\n</View>",
        "line 4: malformed XML: mismatched tag",
    ),
    "unclosed_attribute": ('<View>\n<Text name="text value="$text"/>\n</View>', "line 2: malformed XML: not well-formed (invalid token)"),
    "empty_document": ("", "line 1: malformed XML: no element found"),
    "root_not_view": (TEXT, "line 1: the root tag must be <View>, not <Text>"),
    "unknown_tag": (f"<View>\n  {TEXT}\n  <Foo/>\n  {SENTIMENT}\n</View>", "line 3: Unknown tag <Foo>"),
    "missing_name": (
        f'<View>\n  {TEXT}\n  <Choices toName="text"><Choice value="A"/></Choices>\n</View>',
        "line 3: <Choices> is missing the 'name' attribute",
    ),
    "missing_to_name": (
        f'<View>\n  {TEXT}\n  <Choices name="s"><Choice value="A"/></Choices>\n</View>',
        "line 3: <Choices name='s'> is missing the 'toName' attribute",
    ),
    "duplicate_name": (
        f'<View>\n  {TEXT}\n  <Choices name="text" toName="text"><Choice value="A"/></Choices>\n</View>',
        "line 3: duplicate name 'text' (first used on line 2)",
    ),
    "to_name_unknown": (
        f'<View>\n  {TEXT}\n\n  <Choices name="sentiment" toName="txt"><Choice value="A"/></Choices>\n</View>',
        "line 4: <Choices name='sentiment'> toName='txt' names no object tag (object tags: text)",
    ),
    "to_name_is_a_control": (
        f'<View>\n  {TEXT}\n  {SENTIMENT}\n  <Rating name="r" toName="s"/>\n</View>',
        "line 4: <Rating name='r'> toName='s' names a <Choices>, not an object tag",
    ),
    "labels_on_non_text": (
        f'<View>\n  {TEXT}\n  {SENTIMENT}\n  <Labels name="l" toName="s"><Label value="PER"/></Labels>\n</View>',
        "line 4: <Labels name='l'> must point to a <Text> or <HyperText>, but 's' is a <Choices>",
    ),
    "value_not_field": (
        '<View>\n  <Text name="text" value="text"/>\n</View>',
        "line 2: <Text name='text'> value must name a task field like \"$text\", got 'text'",
    ),
    "object_missing_value": ('<View>\n<HyperText name="h"/>\n</View>', "line 2: <HyperText name='h'> is missing the 'value' attribute"),
    "choices_without_options": (
        f'<View>\n  {TEXT}\n  <Choices name="s" toName="text">\n  </Choices>\n</View>',
        "line 3: <Choices name='s'> has no <Choice> options",
    ),
    "labels_without_options": (
        f'<View>\n  {TEXT}\n  <Labels name="l" toName="text"/>\n</View>',
        "line 3: <Labels name='l'> has no <Label> options",
    ),
    "taxonomy_without_options": (
        f'<View>\n  {TEXT}\n  <Taxonomy name="t" toName="text"/>\n</View>',
        "line 3: <Taxonomy name='t'> has no <Choice> options",
    ),
    "duplicate_option": (
        f'<View>\n  {TEXT}\n  <Labels name="l" toName="text">\n    <Label value="PER"/>\n    <Label value="PER"/>\n  </Labels>\n</View>',
        "line 5: duplicate value 'PER' in <Labels name='l'>",
    ),
    "duplicate_taxonomy_sibling": (
        f'<View>\n  {TEXT}\n  <Taxonomy name="t" toName="text">\n    <Choice value="A">\n      <Choice value="X"/>\n      <Choice value="X"/>\n    </Choice>\n  </Taxonomy>\n</View>',
        "line 6: duplicate value 'X' in <Taxonomy name='t'>",
    ),
    "option_without_value": (
        f'<View>\n  {TEXT}\n  <Choices name="s" toName="text">\n    <Choice/>\n  </Choices>\n</View>',
        "line 4: <Choice> is missing the 'value' attribute",
    ),
    "wrong_option_tag": (
        f'<View>\n  {TEXT}\n  <Choices name="s" toName="text">\n    <Label value="A"/>\n  </Choices>\n</View>',
        "line 4: <Label> is not allowed inside <Choices>",
    ),
    "nested_choice_outside_taxonomy": (
        f'<View>\n  {TEXT}\n  <Choices name="s" toName="text">\n    <Choice value="A">\n      <Choice value="B"/>\n    </Choice>\n  </Choices>\n</View>',
        "line 5: <Choice> is not allowed inside <Choice>",
    ),
    "option_outside_control": (f"<View>\n  {TEXT}\n  {SENTIMENT}\n  <Label value='x'/>\n</View>", "line 4: <Label> is only allowed inside <Labels>"),
    "child_in_leaf": (f'<View>\n  <Text name="text" value="$text">\n    <View/>\n  </Text>\n  {SENTIMENT}\n</View>', "line 3: <View> is not allowed inside <Text>"),
    "no_object": ('<View>\n  <Header value="x"/>\n</View>', "line 1: the config has no object tag (<Text> or <HyperText>) to label"),
    "no_control": (
        f"<View>\n  {TEXT}\n</View>",
        "line 1: the config has no control tag (<Choices>, <Labels>, <TextArea>, <Rating>, <Taxonomy>, <Number>)",
    ),
    "bad_choice_mode": (
        f'<View>\n  {TEXT}\n  <Choices name="s" toName="text" choice="many"><Choice value="A"/></Choices>\n</View>',
        "line 3: <Choices name='s'> choice='many' is not one of: single, single-radio, multiple",
    ),
    "bad_max_rating": (f'<View>\n  {TEXT}\n  <Rating name="r" toName="text" maxRating="0"/>\n</View>', "line 3: <Rating name='r'> maxRating='0' is not a positive integer"),
    "bad_rows": (f'<View>\n  {TEXT}\n  <TextArea name="t" toName="text" rows="x"/>\n</View>', "line 3: <TextArea name='t'> rows='x' is not a positive integer"),
    "bad_number": (f'<View>\n  {TEXT}\n  <Number name="n" toName="text" min="ten"/>\n</View>', "line 3: <Number name='n'> min='ten' is not a number"),
    "min_above_max": (f'<View>\n  {TEXT}\n  <Number name="n" toName="text" min="5" max="1"/>\n</View>', "line 3: <Number name='n'> min is greater than max"),
    "bad_colour": (
        f'<View>\n  {TEXT}\n  <Labels name="l" toName="text">\n    <Label value="A" background="red;position:fixed"/>\n  </Labels>\n</View>',
        "line 4: <Label value='A'> background 'red;position:fixed' is not a colour",
    ),
    "duplicate_hotkey": (
        f'<View>\n  {TEXT}\n  <Labels name="l" toName="text">\n    <Label value="A" hotkey="a"/>\n  </Labels>\n'
        f'  <Choices name="s" toName="text">\n    <Choice value="B" hotkey="A"/>\n  </Choices>\n</View>',
        "line 7: hotkey 'A' is used twice (first on line 4)",
    ),
}


@pytest.mark.parametrize("xml, expected", CASES.values(), ids=CASES.keys())
def test_config_error_message_and_line__LBL_2(xml: str, expected: str) -> None:
    error = _error(xml)
    assert str(error) == expected
    assert error.line == int(expected.split(":")[0].removeprefix("line "))
    assert error.message == expected.split(": ", 1)[1]


def test_line_is_where_a_multiline_tag_starts__LBL_2() -> None:
    xml = f'<View>\n  {TEXT}\n  <Choices\n     name="s"\n     toName="nope">\n    <Choice value="A"/>\n  </Choices>\n</View>'
    assert _error(xml).line == 3


def test_config_error_is_a_value_error__LBL_2() -> None:
    assert isinstance(_error("<View>"), ValueError)


# LBL-2: hostile XML is refused with a ConfigError, never expanded or fetched.
BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
  <!ENTITY lol "lol">
  <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<View><Text name="text" value="$text"/><Header value="&lol3;"/></View>"""
EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE View [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<View><Header value="&xxe;"/></View>"""
EXTERNAL_DTD = '<?xml version="1.0"?>\n<!DOCTYPE View SYSTEM "http://example.com/evil.dtd">\n<View/>'


@pytest.mark.parametrize("xml", [BILLION_LAUGHS, EXTERNAL_ENTITY, EXTERNAL_DTD], ids=["billion_laughs", "xxe", "external_dtd"])
def test_entity_and_dtd_attacks_refused__LBL_2(xml: str) -> None:
    error = _error(xml)
    assert error.message == "DTDs and entity declarations are not allowed"
    assert error.line == 2


def test_undefined_entity_is_malformed__LBL_2() -> None:
    error = _error('<View>\n  <Header value="&nope;"/>\n</View>')
    assert str(error) == "line 2: malformed XML: undefined entity"
