"""Full-text search in task data (DM-1): words and word prefixes over the JSON's values,
kept in sync on insert, update and delete, on SQLite (FTS5) and PostgreSQL (GIN)."""
from __future__ import annotations

import pytest
from sqlalchemy import insert, update

from webapp.data_manager.page import load_page
from webapp.data_manager.query import TaskQuery
from webapp.data_manager.search_index import create_search_index, drop_search_index, search_words
from webapp.data_manager.visibility import viewer_for
from webapp.models import Task

DATA = [
    {"text": "The delivery was late", "meta_note": "refund asked"},
    {"text": "Great café near the station", "rating": 4711},
    {"text": "Delivered early, thanks", "nested": {"deep": ["alarm clock", "music"]}},
    {"headline": "Weather warning", "text": "Storm on the coast"},
    {"text": "e-mail me at ada@example.org"},
]


@pytest.fixture
def searched(factory, session, manager):
    project = factory.project(owner=manager)
    other = factory.project(owner=manager)
    ids = session.scalars(insert(Task).returning(Task.id, sort_by_parameter_order=True),
                          [{"project_id": project.id, "data": d, "meta": {}} for d in DATA]).all()
    session.execute(insert(Task), [{"project_id": other.id, "data": {"text": "late delivery"}, "meta": {}}])
    session.commit()
    viewer = viewer_for(session, manager, project)

    def find(q: str, **kw) -> list[int]:
        page = load_page(session, project, viewer, TaskQuery(q=q, size=100, **kw), columns=())
        return [ids.index(row.task.id) for row in page.rows]

    return find, ids


@pytest.mark.parametrize(("q", "expected"), [
    ("delivery", [0]),
    ("DELIVERY late", [0]),  # every word, any case
    ("deliv", [0, 2]),  # word prefixes: delivery, delivered
    ("café", [1]),
    ("CAFÉ station", [1]),
    ("4711", [1]),  # numbers are values too
    ("music", [2]),  # nested values
    ("clock alarm", [2]),
    ("weather", [3]),
    ("headline", []),  # keys are not searched
    ("text", []),
    ("ada", [4]),  # an e-mail address: its beginning on both (PostgreSQL keeps it one word)
    ("mail", [4]),
    ("late refund", [0]),
    ("late nothing", []),
])
def test_word_and_prefix_search__DM_1(searched, q, expected):
    find, _ = searched
    assert find(q) == expected


def test_search_stays_in_the_project_and_combines_with_sort__DM_1(searched):
    find, _ = searched
    assert find("late") == [0]  # the other project's "late delivery" is not shown
    assert find("the", sort="-id") == [3, 1, 0]


def test_id_order_and_other_orders_find_the_same_tasks__DM_1(searched):
    """SQLite walks the search index in id order, other orders filter by membership."""
    find, _ = searched
    for q in ("deliv", "the", "late nothing", "café"):
        assert find(q, sort="-id") == sorted(find(q), reverse=True)
        assert sorted(find(q, sort="-annotations")) == find(q)


def test_index_follows_updates_and_deletes__DM_1(searched, session):
    find, ids = searched
    session.execute(update(Task).where(Task.id == ids[3]).values(data={"text": "sunny music festival"}))
    session.commit()
    assert find("weather") == [] and find("festival") == [3] and find("music") == [2, 3]
    session.delete(session.get(Task, ids[2]))
    session.commit()
    assert find("music") == [3] and find("deliv") == [0]


def test_a_query_without_words_falls_back_to_substring__DM_1(searched):
    find, _ = searched
    assert search_words("!!! -- ") == []
    assert find("@") == [4]


def test_create_is_idempotent_and_indexes_existing_tasks__DM_1(searched, session):
    find, _ = searched
    connection = session.connection()
    drop_search_index(connection)
    create_search_index(connection)
    create_search_index(connection)  # a second run adds nothing twice
    session.commit()
    assert find("deliv") == [0, 2] and find("café") == [1]


def test_label_filter_matches_whole_values_only__DM_1(factory, session, manager):
    from tests.data_manager.helpers import annotate
    from webapp.models import OrgRole

    project = factory.project(owner=manager)
    ann = factory.user(OrgRole.ANNOTATOR)
    factory.member(project, ann)
    per, person, none, pct = factory.tasks(project, ["a", "b", "c", "d"])
    annotate(session, per, ann, label="PER")
    annotate(session, person, ann, label="PERSON")
    annotate(session, pct, ann, label="50%_off")
    viewer = viewer_for(session, manager, project)

    def by_label(label: str) -> list[int]:
        page = load_page(session, project, viewer, TaskQuery(label=label, size=100), columns=())
        return [row.task.id for row in page.rows]

    assert by_label("PER") == [per.id]
    assert by_label("PERSON") == [person.id]
    assert by_label("50%_off") == [pct.id] and by_label("50%") == []
    assert by_label("ER") == [] and none.id not in by_label("PER")
    assert by_label("per") == []  # case counts, as in the labeling config
    assert by_label("from_name") == []  # a key of the result, not a value
