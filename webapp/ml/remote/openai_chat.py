"""An OpenAI-compatible chat endpoint as a zero-shot model source (issue 7, part 7).

Connection: MLModel.url (the API base, or the full .../chat/completions URL), the API key
in MLModel.auth_secret_encrypted (sent as a Bearer token), and in MLModel.extra_params:
"model" (the model name), "prompt" (template with {text} and {labels}; a default per
control type when empty), optional "system", "temperature" and "timeout" (seconds).

Answers become Label Studio results: for Choices, label names matched case-insensitively,
one per line or comma-separated, unknown names ignored; for Labels, a JSON list of
{"text", "label"} located in the task text with exact code-point offsets.
"""
from __future__ import annotations

import hashlib
import json
import re

from webapp.input_limits import parse_json
from webapp.labeling import ControlType, parse_config
from webapp.ml.dataset import task_text, trainable_controls
from webapp.ml.remote import RemoteModelError, model_secret, request_json
from webapp.models import Project, Task
from webapp.models.ml import MLModel

Prediction = tuple[list[dict], float | None, str]
ENDPOINT = "/chat/completions"
CHOICES_PROMPT = ("Classify the text with these labels: {labels}.\n"
                  "Answer with the matching label names only, one per line.\n\nText:\n{text}")
LABELS_PROMPT = ("Find the spans of the text that these labels name: {labels}.\n"
                 'Answer with a JSON list only, like [{"text": "exact words from the text", "label": "one label"}].'
                 "\n\nText:\n{text}")


def endpoint(model: MLModel) -> str:
    url = model.url.strip().rstrip("/")
    return url if url.endswith(ENDPOINT) else url + ENDPOINT


def _params(model: MLModel) -> dict:
    return model.extra_params or {}


def prompt_for(model: MLModel, control, text: str) -> str:
    template = _params(model).get("prompt") or (
        CHOICES_PROMPT if control.type is ControlType.CHOICES else LABELS_PROMPT)
    return template.replace("{labels}", ", ".join(control.option_values)).replace("{text}", text)


def chat_request(model: MLModel, prompt: str) -> dict:
    params = _params(model)
    messages = [{"role": "system", "content": params["system"]}] if params.get("system") else []
    return {"model": params.get("model", ""), "messages": [*messages, {"role": "user", "content": prompt}],
            "temperature": params.get("temperature", 0)}


def _send(model: MLModel, body: dict) -> dict:
    key = model_secret(model)
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    timeout = _params(model).get("timeout")
    answer = request_json("POST", endpoint(model), json=body, headers=headers,
                          timeout=float(timeout) if isinstance(timeout, (int, float)) and timeout > 0 else None)
    if not isinstance(answer, dict):
        raise RemoteModelError(f"The model at {endpoint(model)} answered without a chat completion.")
    return answer


def answer_text(answer: dict) -> str:
    try:
        content = answer["choices"][0]["message"]["content"]
    except (KeyError, IndexError, TypeError):
        raise RemoteModelError("The chat answer has no choices[0].message.content.") from None
    return content if isinstance(content, str) else ""


def version_of(model: MLModel, answered_model: str | None = None) -> str:
    """The prediction set's name: the answering model plus a digest of this connection's
    prompt settings, so a changed prompt makes a new set."""
    params = _params(model)
    digest = hashlib.sha1(json.dumps([model.id, model.url, params.get("prompt"), params.get("system")],
                                     sort_keys=True).encode()).hexdigest()[:8]
    return f"{answered_model or params.get('model') or 'llm'}#{digest}"


def choices_from(content: str, control) -> list[str]:
    known = {v.casefold(): v for v in control.option_values}
    found: list[str] = []
    for piece in re.split(r"[\n,;]", content):
        name = known.get(piece.strip().strip("-*•.'\"`[]").strip().casefold())
        if name and name not in found:
            found.append(name)
    return found if control.multiple else found[:1]


def spans_from(content: str, control, text: str) -> list[tuple[int, int, str]]:
    """(start, end, label) per span found in `text`; repeated mentions take later places."""
    known = {v.casefold(): v for v in control.option_values}
    taken: set[tuple[int, int]] = set()
    spans = []
    for entry in _json_list(content):
        label = known.get(str(entry.get("label", "")).strip().casefold())
        words = entry.get("text")
        if not label or not isinstance(words, str) or not words:
            continue
        start = text.find(words)
        while start >= 0 and (start, start + len(words)) in taken:
            start = text.find(words, start + 1)
        if start >= 0:
            taken.add((start, start + len(words)))
            spans.append((start, start + len(words), label))
    return sorted(spans)


def _json_list(content: str) -> list[dict]:
    first, last = content.find("["), content.rfind("]")
    if first < 0 or last < first:
        return []
    try:
        value = parse_json(content[first:last + 1])
    except ValueError:  # malformed, too deep or unstorable: nothing usable in the answer
        return []
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def result_items(control, content: str, text: str) -> list[dict]:
    base = {"from_name": control.name, "to_name": control.to_name, "type": control.type.result_type}
    if control.type is ControlType.CHOICES:
        chosen = choices_from(content, control)
        return [{**base, "value": {"choices": chosen}}] if chosen else []
    return [{**base, "id": f"{control.name}-{i}", "value": {"start": s, "end": e, "text": text[s:e], "labels": [lab]}}
            for i, (s, e, lab) in enumerate(spans_from(content, control, text))]


def predict(session_or_none, model: MLModel, project: Project, tasks: list[Task],
            context: dict | None = None) -> list[Prediction]:
    """One chat request per task and Choices/Labels control; no score (the chat API has none)."""
    config = parse_config(project.label_config)
    out = []
    for task in tasks:
        items, answered = [], None
        for control in trainable_controls(config):
            text = task_text(config, control, task.data)
            if text is None:
                continue
            answer = _send(model, chat_request(model, prompt_for(model, control, text)))
            answered = answer.get("model") if isinstance(answer.get("model"), str) else answered
            items.extend(result_items(control, answer_text(answer), text))
        out.append((items, None, version_of(model, answered)))
    return out


def connect_check(model: MLModel, project: Project) -> str:
    """ML-1 for a chat endpoint: a one-word chat proves URL, key and model name."""
    if not _params(model).get("model"):
        raise RemoteModelError("Give the chat model's name (for example gpt-4o-mini).")
    answer = _send(model, {**chat_request(model, "Reply with the word OK."), "max_tokens": 5})
    answer_text(answer)
    return f"The model at {endpoint(model)} answered as {answer.get('model') or _params(model)['model']}."


def test_request(model: MLModel, project: Project, task: Task) -> tuple[dict, object]:
    """ML-3: the chat request for the task's first Choices/Labels control, and the answer."""
    config = parse_config(project.label_config)
    controls = [c for c in trainable_controls(config) if task_text(config, c, task.data) is not None]
    if not controls:
        return {}, "The labeling config has no Choices or Labels on a Text that this task fills."
    body = chat_request(model, prompt_for(model, controls[0], task_text(config, controls[0], task.data)))
    try:
        return body, _send(model, body)
    except RemoteModelError as exc:
        return body, str(exc)
