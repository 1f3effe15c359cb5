"""Property tests: random open/submit/skip/expire/settings sequences by 3 annotators.

After every step (ANN-5, ANN-6, SKIP-1..3, SAMP-1, QA-1):
- safety: a task is handed out only if it is eligible by the rules, computed here in
  Python from all rows; finished annotations plus live reservations never exceed the
  overlap, except on tasks where someone finished without a live reservation (ANN-5) or a
  settings change lowered the room;
- liveness: when a task is eligible, next_task returns one, and in sequential order the
  one the rules name;
- the project's task, finished and annotation counters equal a recount.
"""
from __future__ import annotations

from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from tests.queue.helpers import skip, submit
from webapp.models import (
    Annotation, AssignmentKind, Distribution, OrgRole, Reservation, SkipQueue, Task, TaskAssignment,
)
from webapp.models._types import utcnow
from webapp.queue import next_task, recompute_overlap

N_TASKS, N_USERS, RESERVATION_MINUTES = 4, 3, 10

users_st = st.integers(0, N_USERS - 1)
ops_st = st.lists(
    st.one_of(
        st.tuples(st.just("open"), users_st),
        st.tuples(st.just("open"), users_st),
        st.tuples(st.just("submit"), users_st),
        st.tuples(st.just("skip"), users_st),
        st.tuples(st.just("expire"), st.sampled_from([3, RESERVATION_MINUTES + 1])),
        st.tuples(st.just("overlap"), st.integers(1, 3), st.sampled_from([0, 50, 100])),
        st.tuples(st.just("skip_mode"), st.sampled_from(list(SkipQueue))),
        st.tuples(st.just("distribution"), st.sampled_from(list(Distribution))),
        st.tuples(st.just("assign"), users_st, st.integers(0, N_TASKS - 1)),
    ),
    max_size=30,
)


class World:
    """Reads every row of the project and applies the rules in plain Python."""

    def __init__(self, session, project, now):
        self.project, self.now = project, now
        pid = project.id
        self.tasks = {t.id: t for t in session.scalars(select(Task).where(Task.project_id == pid))}
        ids = list(self.tasks)
        self.anns = session.execute(
            select(Annotation.task_id, Annotation.completed_by_id, Annotation.was_cancelled)
            .where(Annotation.task_id.in_(ids))
        ).all()
        self.live = [
            (r.task_id, r.user_id, r.expires_at)
            for r in session.scalars(select(Reservation).where(Reservation.task_id.in_(ids)))
            if r.expires_at > now  # ANN-6: an expired reservation counts for nothing
        ]
        self.assigned = set(session.execute(
            select(TaskAssignment.task_id, TaskAssignment.user_id)
            .where(TaskAssignment.task_id.in_(ids), TaskAssignment.kind == AssignmentKind.ANNOTATOR)
        ).all())

    def mine(self, t, u):
        return {c for tid, uid, c in self.anns if tid == t and uid == u}

    def submitted(self, t):
        return sum(1 for tid, _, c in self.anns if tid == t and not c)

    def finished(self, t):
        ignore = self.project.skip_queue is SkipQueue.IGNORE_SKIPPED
        return sum(1 for tid, _, c in self.anns if tid == t and (ignore or not c))

    def holders(self, t, but=None):
        return [u for tid, u, _ in self.live if tid == t and u != but]

    def eligible(self, u):
        """(fresh, requeued) task ids for annotator u, straight from SKIP-1..3 and ANN-5."""
        p = self.project
        requeue = p.skip_queue is SkipQueue.REQUEUE_FOR_ME
        fresh, req = set(), set()
        for t, task in self.tasks.items():
            mine = self.mine(t, u)
            skipped_only = mine == {True}
            if p.distribution is Distribution.MANUAL:
                ok = (t, u) in self.assigned
            else:
                ok = (self.finished(t) < task.overlap
                      and self.finished(t) + len(self.holders(t, but=u)) < task.overlap)
            if ok and not mine:
                fresh.add(t)
            if ok and requeue and skipped_only:
                req.add(t)
        return fresh, req

    def expected(self, u):
        """Sequential order: own reservation, then in progress (breadth-first), then id."""
        p = self.project
        fresh, req = self.eligible(u)
        auto = p.distribution is Distribution.AUTO
        if auto:
            held = [(exp, t) for t, uid, exp in self.live if uid == u and t in fresh]
            if held:
                return max(held)[1]
        for pool in (fresh, req):
            if auto and p.annotations_per_task_minimum > 1:
                started = [t for t in pool if self.submitted(t) > 0]
                if started:
                    return min(started)
            if pool:
                return min(pool)
        return None

    def overfull(self):
        return {
            t for t, task in self.tasks.items()
            if self.finished(t) + len(self.holders(t)) > task.overlap
        }


def test_queue_invariants_under_random_operations__ANN_5__ANN_6__SKIP_1__SKIP_2__SKIP_3(session, factory):
    manager = factory.user(OrgRole.MANAGER)
    annotators = [factory.user(OrgRole.ANNOTATOR) for _ in range(N_USERS)]

    @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
    @given(
        ops=ops_st,
        minimum=st.integers(1, 3),
        mode=st.sampled_from(list(SkipQueue)),
        distribution=st.sampled_from(list(Distribution)),
    )
    def run(ops, minimum, mode, distribution):
        project = factory.project(
            owner=manager, reservation_minutes=RESERVATION_MINUTES, skip_queue=mode,
            distribution=distribution, annotations_per_task_minimum=minimum,
        )
        for u in annotators:
            factory.member(project, u)
        factory.tasks(project, [f"t{i}" for i in range(N_TASKS)])
        recompute_overlap(session, project)
        session.commit()
        task_ids = sorted(World(session, project, utcnow()).tasks)
        now, current, exempt = utcnow(), {}, set()
        for op in ops:
            kind = op[0]
            if kind == "open":
                user = annotators[op[1]]
                before = World(session, project, now)
                fresh, req = before.eligible(user.id)
                want = before.expected(user.id)
                got = next_task(session, project.id, user.id, now=now)
                got_id = got.id if got else None
                assert (got_id is None) == (not fresh and not req), (op, fresh, req)  # liveness
                assert got_id is None or got_id in fresh | req  # safety: only eligible tasks
                assert got_id == want, (op, want, got_id)  # SAMP-1 + breadth-first order
                current[user.id] = got_id
            elif kind in ("submit", "skip"):
                user = annotators[op[1]]
                t = current.pop(user.id, None)
                if t is None:
                    continue
                before = World(session, project, now)
                if user.id not in before.holders(t):
                    exempt.add(t)  # ANN-5: finishing without a live reservation may overshoot
                (submit if kind == "submit" else skip)(session, session.get(Task, t), user)
            elif kind == "expire":
                now += timedelta(minutes=op[1])
            elif kind == "assign":
                pair = (task_ids[op[2]], annotators[op[1]].id)
                if pair not in World(session, project, now).assigned:
                    session.add(TaskAssignment(task_id=pair[0], user_id=pair[1], kind=AssignmentKind.ANNOTATOR))
                    session.commit()
            else:
                if kind == "overlap":
                    project.annotations_per_task_minimum, project.overlap_percentage = op[1], op[2]
                elif kind == "skip_mode":
                    project.skip_queue = op[1]
                else:
                    project.distribution = op[1]
                recompute_overlap(session, project)
                session.commit()
                current.clear()
                exempt |= World(session, project, now).overfull()  # the change itself, not a grant
            after = World(session, project, now)
            for t, task in after.tasks.items():  # counters exact (QA-1, SKIP-4)
                assert task.is_labeled == (after.finished(t) >= task.overlap), (op, t)
            session.refresh(project)  # the project's counters behind progress (SKIP-4)
            assert (project.task_count, project.finished_task_count, project.annotation_count) == (
                len(after.tasks), sum(t.is_labeled for t in after.tasks.values()),
                sum(after.submitted(t) for t in after.tasks)), op
            if project.distribution is Distribution.AUTO:
                assert not (after.overfull() - exempt), (op, after.overfull(), exempt)

    run()
