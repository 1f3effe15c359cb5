"""My work: an annotator's submitted, skipped, drafted and requeued annotations (REV-3)."""
from __future__ import annotations

import re

from tests.factories import login
from tests.queue.helpers import skip
from webapp.annotations import save_draft
from webapp.models import ReviewAction
from webapp.review import Decision, review_annotation
from webapp.review.my_work import WorkFilter, my_annotations


def test_my_work_lists_each_kind_and_links_requeued_to_stream__REV_3(make_setup, client, session) -> None:
    s = make_setup()
    me = s.annotators[0]
    submitted = s.submit(session, s.tasks[0], me)
    requeued = s.submit(session, s.tasks[1], me)
    skipped = skip(session, s.tasks[2], me)
    review_annotation(session, requeued.id, s.reviewer, Decision(ReviewAction.REJECT_REQUEUE, "Use ORG"))
    save_draft(session, s.tasks[2], me, [], 3.0)
    s.submit(session, s.tasks[0], s.annotators[1])  # someone else's work is not listed
    login(client, me)
    page = client.get(f"/projects/{s.project.id}/my-work").get_data(as_text=True)
    for a in (submitted, requeued, skipped):
        assert f'id="work-{a.id}"' in page
    assert len(re.findall(r'<tr id="work-\d+"', page)) == 3
    assert "Use ORG" in page and "Fix it in the stream" in page and 'id="drafts"' in page
    only = client.get(f"/projects/{s.project.id}/my-work?show=requeued").get_data(as_text=True)
    assert f'id="work-{requeued.id}"' in only and f'id="work-{submitted.id}"' not in only
    assert client.get(f"/projects/{s.project.id}/my-work?show=bogus").status_code == 400
    # The stream brings the requeued task back with the reviewer's comment and the old result.
    stream = client.get(f"/projects/{s.project.id}/stream").get_data(as_text=True)
    assert f'data-task-id="{s.tasks[1].id}"' in stream and 'id="fix-comment"' in stream and "Use ORG" in stream


def test_my_work_is_keyset_paged(make_setup, session) -> None:
    s = make_setup(n_tasks=5)
    me = s.annotators[0]
    ids = [s.submit(session, t, me).id for t in s.tasks]
    first = my_annotations(session, s.project.id, me.id, WorkFilter.ALL, page_size=2)
    assert [a.id for a in first.annotations] == ids[::-1][:2]
    second = my_annotations(session, s.project.id, me.id, WorkFilter.ALL, first.next_before, page_size=2)
    assert [a.id for a in second.annotations] == ids[::-1][2:4]
    last = my_annotations(session, s.project.id, me.id, WorkFilter.ALL, second.next_before, page_size=2)
    assert [a.id for a in last.annotations] == ids[:1] and last.next_before is None


def test_my_work_needs_the_annotate_role(make_setup, client) -> None:
    s = make_setup()
    login(client, s.reviewer)
    assert client.get(f"/projects/{s.project.id}/my-work").status_code == 403
