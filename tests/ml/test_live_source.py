"""Issue 14 item 4: the live predictions source string (LIVE-1) is parsed in one place."""
import pytest

from webapp.ml.live_source import LiveSource, LiveSourceKind, model_id_of, version_of


@pytest.mark.parametrize("text, kind, model_id, version", [
    ("model:7", LiveSourceKind.MODEL, 7, None),
    ("model:abc", LiveSourceKind.MODEL, None, None),  # accepted as before; follows no model
    ("version:m-v1", LiveSourceKind.VERSION, None, "m-v1"),
    ("version:a:b", LiveSourceKind.VERSION, None, "a:b"),  # a version may hold a colon
])
def test_issue14_point4_a_source_parses_to_its_kind_and_value(text, kind, model_id, version):
    source = LiveSource.parse(text)
    assert (source.kind, source.model_id, source.version) == (kind, model_id, version)
    assert str(source) == text
    assert (model_id_of(text), version_of(text)) == (model_id, version)


@pytest.mark.parametrize("text", [None, "", "magic", "model:", "version:", "other:1", ":1"])
def test_issue14_point4_no_source_or_a_malformed_one_parses_to_none(text):
    assert LiveSource.parse(text) is None
    assert (model_id_of(text), version_of(text)) == (None, None)


def test_issue14_point4_a_source_built_from_a_model_or_a_version_round_trips():
    assert str(LiveSource.of_model(3)) == "model:3"
    assert LiveSource.parse(str(LiveSource.of_version("v2"))) == LiveSource.of_version("v2")
