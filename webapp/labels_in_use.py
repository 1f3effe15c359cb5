"""The labels-in-use cache (LBL-2, DZ-1): how many annotations use each label or choice.

``Project.labels_in_use`` maps "control<US>option" to a number of annotations, so the
config save check reads one JSON value instead of scanning every annotation. The
annotation service keeps it current with ``update_labels_in_use``; Danger zone's Reset
cache rebuilds it with ``count_labels_in_use``.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.labeling import (
    ConfigError,
    ControlType,
    LabelingConfig,
    labels_missing,
    labels_used,
    parse_config,
)
from webapp.models import Annotation, Project
from webapp.projects import ProjectError

SEPARATOR = "\u001f"  # ASCII unit separator: never part of a control name or option
_BATCH = 1000


def cache_key(control: str, option: str) -> str:
    return f"{control}{SEPARATOR}{option}"


def split_key(key: str) -> tuple[str, str]:
    control, _, option = key.partition(SEPARATOR)
    return control, option


def _config(project: Project) -> LabelingConfig:
    # Result items carry their own type, so an unparsable config only loses the fallback.
    try:
        return parse_config(project.label_config)
    except ConfigError:
        return LabelingConfig()


def _keys(config: LabelingConfig, result: list | None) -> set[str]:
    """The options one annotation uses; each counts once per annotation."""
    return {cache_key(*key) for key in labels_used(config, result or [])}


@dataclass(frozen=True)
class CacheCount:
    annotations: int  # annotations read
    entries: int  # distinct (control, option) pairs in use


def count_labels_in_use(session: Session, project: Project) -> CacheCount:
    """Recompute the cache from every annotation of the project, in one streamed pass."""
    config = _config(project)
    counts: Counter[str] = Counter()
    read = 0
    rows = session.execute(
        select(Annotation.result)
        .where(Annotation.project_id == project.id)
        .execution_options(yield_per=_BATCH)
    )
    for (result,) in rows:
        read += 1
        counts.update(_keys(config, result))
    project.labels_in_use = dict(counts)
    return CacheCount(annotations=read, entries=len(counts))


def update_labels_in_use(project: Project, old_result: list | None, new_result: list | None) -> None:
    """Apply one annotation's change: created (old None), updated, or deleted (new None).

    Cheap (no query). Callers should hold the project row (SELECT ... FOR UPDATE) while
    they change annotations, or two concurrent saves can lose an update until the next
    Reset cache.
    """
    config = _config(project)
    old, new = _keys(config, old_result), _keys(config, new_result)
    if old == new:
        return
    counts = dict(project.labels_in_use or {})
    for key in new - old:
        counts[key] = counts.get(key, 0) + 1
    for key in old - new:
        remaining = counts.get(key, 0) - 1
        if remaining > 0:
            counts[key] = remaining
        else:
            counts.pop(key, None)
    project.labels_in_use = counts  # a new dict, so SQLAlchemy sees the change


class LabelsInUseError(ProjectError):
    """A config that drops labels or choices annotations still use (LBL-2)."""

    def __init__(self, usages: list[str]):
        self.usages = usages
        super().__init__(
            "label_config",
            "The new config removes labels that annotations still use: " + "; ".join(usages) + ".",
        )


_NOUNS = {ControlType.LABELS: "Label", ControlType.CHOICES: "Choice", ControlType.TAXONOMY: "Taxonomy path"}


def check_labels_kept(project: Project, config: LabelingConfig) -> None:
    """Refuse ``config`` if it drops an option the cache says annotations use (LBL-2)."""
    used = {split_key(key): n for key, n in (project.labels_in_use or {}).items() if n > 0}
    missing = labels_missing(config, used)
    if not missing:
        return
    current = _config(project).controls  # names the kind of each dropped option
    usages = []
    for (control, option), count in sorted(missing.items()):
        noun = _NOUNS.get(current[control].type, "Option") if control in current else "Option"
        plural = "" if count == 1 else "s"
        usages.append(f"{noun} '{option}' of control '{control}' is used in {count} annotation{plural}")
    raise LabelsInUseError(usages)
