"""Issue 7's "done when", in a real browser: a manager goes from an unlabeled project to
audited auto-labels through the UI only.

Create a text classification project, import 60 texts, label 12 in the stream and mark
6 as ground truth; add the built-in model and train it (ML-4); batch-predict every task
from the Data Manager (ML-6) and see the set in Settings > Predictions (PRED-1); set the
threshold, audit share and accuracy floor and run autolabeling (AL-1); label the audit
sample blind in the stream and read the measured accuracy with its Wilson 95% interval
(shown in Settings > Model: the project dashboard has no autolabeling figures); finally
delete the prediction set (PRED-1).

Background jobs (train, predict, autolabel) run as in production: APScheduler calls
`webapp.jobs.background_jobs_job` on an interval. The test app has its scheduler off
(TestConfig.SCHEDULER_ENABLED), so the `job_runner` fixture schedules that same job on a
scheduler of its own for the length of the test.
"""
from __future__ import annotations

import itertools
import json
import re

import pytest
from sqlalchemy import select

from tests.e2e.helpers import log_in
from webapp.ml.autolabel import wilson_interval
from webapp.models import Annotation, AutolabelDecision, OrgRole, Prediction, Task

pytest.importorskip("playwright")
from apscheduler.schedulers.background import BackgroundScheduler  # noqa: E402
from playwright.sync_api import Page, expect  # noqa: E402

JOB_WAIT_MS = 30_000
POSITIVE_WORDS = ("great", "excellent", "wonderful", "lovely", "fantastic")
NEGATIVE_WORDS = ("awful", "terrible", "horrible", "dreadful", "miserable")
NOUNS = ("phone", "hotel", "movie", "meal", "service", "book")
KEYS = {"Positive": "1", "Negative": "2"}  # the template's choice hotkeys (Neutral is 3)
THRESHOLD, AUDIT_SHARE, FLOOR = 0.75, 0.25, 0.5


def _texts() -> list[str]:
    """60 short reviews, alternating positive and negative, every one distinct."""
    pairs = itertools.product(NOUNS, range(len(POSITIVE_WORDS)))
    texts = []
    for noun, i in pairs:
        texts.append(f"A {POSITIVE_WORDS[i]} {noun}, I love it.")
        article = "An" if NEGATIVE_WORDS[i][0] in "aeiou" else "A"
        texts.append(f"{article} {NEGATIVE_WORDS[i]} {noun}, I hate it.")
    return texts


def _truth(text: str) -> str:
    return "Positive" if any(w in text for w in POSITIVE_WORDS) else "Negative"


@pytest.fixture
def job_runner(app, session):
    """The production background-jobs job on a scheduler of the test's own (see module doc)."""
    from webapp.jobs import background_jobs_job

    scheduler = BackgroundScheduler(daemon=True)
    scheduler.add_job(background_jobs_job, "interval", seconds=0.5, args=[app],
                      id="background_jobs", coalesce=True, max_instances=1)
    scheduler.start()
    yield scheduler
    scheduler.shutdown(wait=True)  # before the session fixture empties the tables


def _label_in_stream(page: Page) -> list[int]:
    """Label every task the stream serves by its obvious class until it runs out."""
    done = []
    while True:
        page.wait_for_selector("#stream-done, #editor[data-ready='true']")
        if page.locator("#stream-done").count():
            return done
        editor = page.locator("#editor[data-ready='true']")
        task_id = editor.get_attribute("data-task-id")
        label = _truth(page.locator("#obj-text").inner_text())
        page.keyboard.press(KEYS[label])
        expect(page.locator(".ed-choice[aria-pressed='true']")).to_have_attribute("data-value", label)
        page.keyboard.press("Control+Enter")
        page.wait_for_function(
            """prev => document.querySelector('#stream-done')
                || document.querySelector(`#editor[data-ready='true']:not([data-task-id='${prev}'])`)""",
            arg=task_id,
        )
        done.append(int(task_id))


def _follow(page: Page, link, url: str) -> None:
    """Click a link or submit button and wait until the page it opens has loaded (htmx,
    deferred, binds its elements on DOMContentLoaded)."""
    link.click()
    page.wait_for_url(re.compile(url), wait_until="load")


def _settings_tab(page: Page, title: str) -> None:
    _follow(page, page.locator(".settings-tabs").get_by_role("link", name=title, exact=True),
            rf"/settings/{title.lower()}$")
    expect(page.locator(".settings-tabs a.active")).to_have_text(title)


def test_unlabeled_project_to_audited_autolabels__ML_4_ML_6_PRED_1_AL_1(
        new_page, factory, session, job_runner) -> None:
    manager = factory.user(OrgRole.MANAGER)
    texts = _texts()
    page = new_page()
    log_in(page, manager)

    # 1. Create a text classification project and import 60 texts through the Import page.
    page.goto("/projects/new")
    page.fill("#title", "Reviews to autolabel")
    page.check("input[name=template][value=text_classification]")
    _follow(page, page.get_by_role("button", name="Create"), r"/projects/\d+$")
    project_id = int(page.url.rsplit("/", 1)[1])
    project_url = rf"/projects/{project_id}$"
    _follow(page, page.get_by_role("link", name="Import", exact=True), r"/import$")
    page.set_input_files("#file", files=[{"name": "reviews.json", "mimeType": "application/json",
                                          "buffer": json.dumps([{"text": t} for t in texts]).encode()}])
    _follow(page, page.get_by_role("button", name="Import", exact=True), project_url)
    expect(page.locator(".flash")).to_contain_text("Imported 60 tasks")
    expect(page.locator("#tasks tbody tr")).to_have_count(25)  # the first page

    # 2. Label the first 12 in the stream (opened on the selection), then mark 6 as ground truth.
    rows = page.locator("#tasks tbody tr")
    for i in range(12):
        rows.nth(i).locator("input[name=ids]").check()
    page.select_option("#dm-actions select[name=action]", "label")
    _follow(page, page.locator("#dm-actions").get_by_role("button", name="Run"), r"/stream\?tasks=")
    labeled = _label_in_stream(page)
    assert len(labeled) == 12
    _follow(page, page.locator("#back-to-project"), project_url)
    for i in range(12):
        expect(rows.nth(i).locator("td.dm-annotations")).to_have_text("1")
    for i in range(6):  # three positive and three negative reviews (they alternate)
        rows.nth(i).locator("input[name=ids]").check()
    page.select_option("#dm-actions select[name=action]", "mark_ground_truth")
    page.locator("#dm-actions").get_by_role("button", name="Run").click()
    expect(page.locator("#dm-message")).to_have_text("Marked 6 annotations as ground truth.")
    expect(page.locator("#tasks td.dm-ground_truth", has_text="✓")).to_have_count(6)

    # 3. ML-4: Settings > Model, add the built-in model, Start training, wait for the version.
    _follow(page, page.get_by_role("link", name="Settings", exact=True), r"/settings/general$")
    _settings_tab(page, "Model")
    expect(page.locator("#settings-section .empty")).to_contain_text("No model yet")
    page.select_option("#kind", "builtin")
    page.get_by_role("button", name="Connect").click()
    card = page.locator(".model-card")
    expect(page.locator("#settings-section .flash-success")).to_contain_text("added")
    expect(card).to_have_count(1)
    expect(card.locator("h4")).to_contain_text("Built-in")
    card.get_by_role("button", name="Start training").click()
    expect(page.locator("#settings-section .flash-success")).to_have_text("Training queued: it runs in the background.")
    status = card.locator(".job-status")
    expect(status).to_contain_text("Version quorum-", timeout=JOB_WAIT_MS)  # polled by htmx every second
    version = status.locator("code").inner_text()
    # Held out: the 6 ground-truth tasks; the classes are obvious, so all 6 come out right.
    expect(status.locator(".metrics")).to_contain_text(
        "sentiment: accuracy 100.0% (12 examples, 6 held out from ground truth)")

    # 4. ML-6: batch predictions over every task from the Data Manager, progress in
    #    Settings > Predictions (PRED-1), where the new set is listed.
    _follow(page, page.locator(".project-title a"), project_url)
    page.select_option("#dm-actions select[name=action]", "predict")
    page.check("#dm-all-matching")
    page.locator("#dm-actions").get_by_role("button", name="Run").click()
    expect(page.locator("#dm-message")).to_contain_text("Predicting 60 task(s) in the background")
    _follow(page, page.get_by_role("link", name="Settings", exact=True), r"/settings/general$")
    _settings_tab(page, "Predictions")
    expect(page.locator(".job-progress")).to_have_text(f"Predicted 60 task(s) with {version}.", timeout=JOB_WAIT_MS)
    page.reload()  # the list as it is now the job is done
    prediction_set = page.locator("table.prediction-sets tbody tr")
    expect(prediction_set).to_have_count(1)
    expect(prediction_set.locator("td").nth(0)).to_have_text(version)
    expect(prediction_set.locator("td").nth(1)).to_have_text("60")
    expect(prediction_set.locator("td").nth(3)).to_contain_text("100.0%")  # against the ground truth

    # 5. AL-1: threshold, audit share and floor in the Model tab; Save and run.
    _settings_tab(page, "Model")
    form = page.locator("#autolabel-form")
    form.locator("input[name=enabled]").check()
    form.locator("input[name=threshold]").fill(str(THRESHOLD))
    form.locator("input[name=audit_fraction]").fill(str(AUDIT_SHARE))
    form.locator("input[name=accuracy_floor]").fill(str(FLOOR))
    form.get_by_role("button", name="Save and run").click()
    expect(page.locator("#settings-section .flash-success")).to_have_text(
        f"Autolabeling settings saved. Autolabeling queued with {version}.")
    # No progress element for this job: like a manager refreshing the tab, the browser
    # re-reads it until the figures change.
    model_tab = f"/projects/{project_id}/settings/model"
    page.wait_for_function(
        """url => {  // sync: a Promise would count as truthy; each poll starts one fetch
          const s = (window.__modelTab ??= {html: "", busy: false});
          if (!s.busy) {
            s.busy = true;
            fetch(url, {headers: {"HX-Request": "true"}}).then(r => r.text())
              .then(html => { s.html = html; }).finally(() => { s.busy = false; });
          }
          return /<strong>[1-9]\\d*<\\/strong> task\\(s\\) auto-labeled/.test(s.html);
        }""",
        arg=model_tab, polling=500, timeout=JOB_WAIT_MS,
    )

    session.rollback()  # read what the server and the job committed
    marks = dict(session.execute(
        select(AutolabelDecision.task_id, AutolabelDecision.state).where(AutolabelDecision.project_id == project_id)
    ).all())
    auto = sorted(i for i, s in marks.items() if s == "auto")
    audit = sorted(i for i, s in marks.items() if s == "audit")
    assert set(labeled).isdisjoint(auto + audit)
    assert len(auto) + len(audit) == 48, "every prediction of these obvious texts clears the threshold"
    assert auto and audit
    from_model = session.scalars(select(Annotation).where(Annotation.project_id == project_id,
                                                          Annotation.from_model.is_(True))).all()
    assert sorted(a.task_id for a in from_model) == auto and all(a.completed_by_id is None for a in from_model)

    page.goto(model_tab)
    figures = page.locator("#autolabel-figures")
    expect(figures).to_contain_text(
        f"{len(auto)} task(s) auto-labeled; {len(audit)} sent to audit, 0 audited so far.")
    expect(figures).not_to_contain_text("Audit accuracy")

    # The audit sample is what the stream serves now; it is labeled blind (no pre-fill).
    _follow(page, page.locator(".project-title a"), project_url)
    _follow(page, page.locator("#label-all"), r"/stream$")
    expect(page.locator("#editor[data-ready='true']")).to_be_visible()
    expect(page.locator("#restored-from")).to_have_count(0)
    assert sorted(_label_in_stream(page)) == audit

    # The measured accuracy with its Wilson 95% interval, as the model agreed with people.
    session.rollback()
    predicted = {p.task_id: p.result[0]["value"]["choices"][0]
                 for p in session.scalars(select(Prediction).where(Prediction.task_id.in_(audit),
                                                                   Prediction.model_version == version))}
    truth = {t.id: _truth(t.data["text"]) for t in session.scalars(select(Task).where(Task.id.in_(audit)))}
    correct = sum(predicted[i] == truth[i] for i in audit)
    low, high = wilson_interval(correct, len(audit))
    page.goto(model_tab)
    expect(figures).to_contain_text(
        f"{len(auto)} task(s) auto-labeled; {len(audit)} sent to audit, {len(audit)} audited so far.")
    expect(figures).to_contain_text(
        f"Audit accuracy {100 * correct / len(audit):.1f}% (95% Wilson interval "
        f"{100 * low:.1f}–{100 * high:.1f}%, {correct}/{len(audit)} correct).")
    paused = len(audit) >= 10 and low < FLOOR
    expect(figures.get_by_text("Auto-acceptance is paused")).to_have_count(1 if paused else 0)
    # The dashboard shows the same figures, the interval drawn against the floor.
    page.goto(f"/projects/{project_id}/dashboard")
    panel = page.locator("#dash-autolabel")
    expect(panel).to_contain_text(f"{correct}/{len(audit)} correct")
    expect(panel.locator("svg.audit-chart")).to_be_visible()
    page.goto(model_tab)

    # PRED-1: the manager deletes the prediction set (after confirming).
    _settings_tab(page, "Predictions")
    page.once("dialog", lambda dialog: dialog.accept())
    prediction_set.get_by_role("button", name="Delete").click()
    expect(page.locator("#settings-section .flash-success")).to_have_text(f"Deleted 60 prediction(s) of {version}.")
    expect(prediction_set).to_have_text(re.compile("No predictions yet"))
