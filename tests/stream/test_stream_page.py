"""The label stream page: who may enter, what it shows (ANN-1, ANN-3, LBL-1, OPT-1, LIVE-1)."""
from __future__ import annotations

import html
import json
import re

from tests.factories import login
from webapp.models import OrgRole, Prediction


def _state(page: str) -> dict:
    match = re.search(r'<script type="application/json" class="ed-state">(.*?)</script>', page, re.S)
    assert match, "no editor state in the page"
    return json.loads(match.group(1))


def test_stream_shows_first_task_in_editor__LBL_1(make_stream) -> None:
    s = make_stream()
    page = s.client.get(s.url).get_data(as_text=True)
    first = s.tasks[0]
    assert f'data-task-id="{first.id}"' in page and f"Task #{first.id}" in page
    assert "0 of 3 tasks done" in page
    assert 'data-control="label"' in page and 'data-control-type="labels"' in page
    assert 'data-hotkey="p"' in page and 'data-label-color="#FFA39E"' in page
    assert html.escape(first.data["text"]) in page
    assert 'id="region-list"' in page and 'id="hotkey-help"' in page
    assert "js/editor.js" in page and "css/editor.css" in page


def test_text_source_kept_exactly_for_offsets__LBL_1(make_stream) -> None:
    text = "line one\r\nI ❤️ 🐍 <b>in</b> NYC 𝔘"
    s = make_stream(texts=[text])
    page = s.client.get(s.url).get_data(as_text=True)
    source = re.search(r"data-source='([^']*)'", page).group(1)
    assert json.loads(html.unescape(source)) == text
    assert "<b>in</b>" not in page  # shown as text, not markup


def test_choices_render_digit_hotkeys_and_mode__LBL_1(make_stream) -> None:
    s = make_stream(template="multi_label_classification")
    page = s.client.get(s.url).get_data(as_text=True)
    assert 'data-control-type="choices"' in page and 'data-multiple="true"' in page
    assert 'data-hotkey="1"' in page and 'data-value="Politics"' in page


def test_every_control_kind_renders__LBL_1(make_stream, session) -> None:
    config = """<View><Header value="Read this"/><Text name="text" value="$text"/>
      <HyperText name="page" value="$html"/>
      <TextArea name="note" toName="text" placeholder="Say why"/>
      <Rating name="stars" toName="text" maxRating="4"/>
      <Number name="count" toName="text" min="0" max="9"/>
      <Taxonomy name="topic" toName="text"><Choice value="Science"><Choice value="Physics"/></Choice></Taxonomy>
    </View>"""
    s = make_stream(label_config=config)
    s.tasks[0].data = {"text": "Hello", "html": "<p onclick='x()'>Hi<script>alert(1)</script></p>"}
    session.commit()
    page = s.client.get(s.url).get_data(as_text=True)
    assert '<h3 class="ed-header">Read this</h3>' in page
    assert "<p>Hi</p>" in page and "onclick" not in page and "alert(1)" not in page
    assert 'id="input-note"' in page and 'placeholder="Say why"' in page
    assert 'id="star-stars-4"' in page and 'id="star-stars-5"' not in page
    assert 'min="0.0"' in page and 'max="9.0"' in page
    assert "data-path='[\"Science\", \"Physics\"]'" in page


def test_no_more_tasks_state(make_stream) -> None:
    s = make_stream(texts=[])
    page = s.client.get(s.url).get_data(as_text=True)
    assert "No more tasks" in page and 'id="editor"' not in page
    assert f'href="/projects/{s.project.id}"' in page


def test_reviewer_may_not_annotate(make_stream, factory, client) -> None:
    s = make_stream()
    reviewer = factory.user(OrgRole.REVIEWER)
    factory.member(s.project, reviewer)
    login(client, reviewer)
    assert client.get(s.url).status_code == 403


def test_invisible_project_is_404(make_stream, factory, client) -> None:
    s = make_stream()
    stranger = factory.user(OrgRole.ANNOTATOR)
    login(client, stranger)
    assert client.get(s.url).status_code == 404


def test_anonymous_is_sent_to_login(client, factory) -> None:
    project = factory.project()
    response = client.get(f"/projects/{project.id}/stream")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_instructions_pop_up_when_enabled__ANN_1(make_stream) -> None:
    s = make_stream(expert_instruction="<b>Mark names</b><script>alert(1)</script>", show_instruction=True)
    page = s.client.get(s.url).get_data(as_text=True)
    assert re.search(r'<dialog id="instructions-dialog"[^>]*data-open-on-load', page)
    assert "<b>Mark names</b>" in page and "alert(1)" not in page
    assert 'id="show-instructions"' in page


def test_instructions_behind_a_button_when_disabled__ANN_1(make_stream) -> None:
    s = make_stream(expert_instruction="<p>Mark names</p>", show_instruction=False)
    page = s.client.get(s.url).get_data(as_text=True)
    assert 'id="show-instructions"' in page and "<p>Mark names</p>" in page
    assert "data-open-on-load" not in page


def test_skip_button_follows_setting__OPT_1(make_stream) -> None:
    shown = make_stream()
    assert 'id="ed-skip"' in shown.client.get(shown.url).get_data(as_text=True)
    hidden = make_stream(show_skip_button=False)
    page = hidden.client.get(hidden.url).get_data(as_text=True)
    assert 'id="ed-skip"' not in page and 'id="skip-dialog"' not in page


def test_reopening_keeps_the_reserved_task__ANN_3(make_stream) -> None:
    s = make_stream()
    first = s.client.get(s.url).get_data(as_text=True)
    again = s.client.get(s.url, headers={"HX-Request": "true"}).get_data(as_text=True)
    assert f'data-task-id="{s.tasks[0].id}"' in first and f'data-task-id="{s.tasks[0].id}"' in again
    assert "<html" not in again  # the fragment the editor swaps in


def test_prefill_from_live_prediction_set__LIVE_1(make_stream, session) -> None:
    s = make_stream(live_predictions_source="version:v2")
    task = s.tasks[0]
    item = {"from_name": "label", "to_name": "text", "type": "labels",
            "value": {"start": 0, "end": 12, "text": "Ada Lovelace", "labels": ["PER"]}}
    other = {**item, "value": {**item["value"], "labels": ["ORG"]}}
    session.add_all([
        Prediction(task_id=task.id, project_id=s.project.id, model_version="v1", result=[other]),
        Prediction(task_id=task.id, project_id=s.project.id, model_version="v2", result=[item]),
    ])
    session.commit()
    page = s.client.get(s.url).get_data(as_text=True)
    assert _state(page) == {"result": [item], "lead_time": 0, "source": "prediction"}
    assert "Pre-filled from predictions" in page


def test_stream_narrowed_to_tasks_selected_in_data_manager__DM_1(make_stream) -> None:
    stream = make_stream()
    chosen = stream.tasks[2]
    html = stream.client.get(f"{stream.url}?tasks={chosen.id}").get_data(as_text=True)
    assert f'data-task-id="{chosen.id}"' in html
    assert f"tasks={chosen.id}" in html  # the next task loads keep the selection
