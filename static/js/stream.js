/* Label stream controller: mounts the editor on the current task, autosaves drafts
   (ANN-7), submits with Ctrl/Cmd+Enter, skips through a comment dialog (OPT-1, OPT-5),
   and swaps in the next task. Refusals (e.g. OPT-2) are shown and the work stays. */
(() => {
  "use strict";

  const stream = document.getElementById("stream");
  if (!stream || !window.QuorumEditor) return;

  const DRAFT_DELAY_MS = 2000;
  const csrfToken = document.querySelector('meta[name="csrf-token"]').content;
  const $ = (id) => document.getElementById(id);
  let editor = null;
  let shownAt = 0;
  let draftTimer = null;
  let draftSaving = Promise.resolve();
  let busy = false;

  const editorRoot = () => stream.querySelector(".editor");
  const leadTime = () => Math.round((editor.leadTime + (performance.now() - shownAt) / 1000) * 1000) / 1000;
  const payload = () => ({ result: editor.result(), lead_time: leadTime() });

  async function postJSON(url, body, extra = {}) {
    const response = await fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrfToken },
      body: JSON.stringify(body),
      ...extra,
    });
    const data = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(data.detail || `The server answered ${response.status}.`);
    return data;
  }

  function showError(message) {
    const box = $("ed-error");
    if (!box) return;
    box.textContent = message || "";
    box.hidden = !message;
  }

  function setDraftStatus(text) {
    const status = $("draft-status");
    if (status) status.textContent = text;
  }

  /* ---- Drafts ---- */
  function scheduleDraft() {
    clearTimeout(draftTimer);
    setDraftStatus("Unsaved changes");
    draftTimer = setTimeout(saveDraft, DRAFT_DELAY_MS);
  }

  function saveDraft() {
    draftTimer = null;
    const url = editorRoot().dataset.draftUrl;
    draftSaving = postJSON(url, payload())
      .then(() => setDraftStatus(`Draft saved ${new Date().toLocaleTimeString()}`))
      .catch((err) => setDraftStatus(`Draft not saved: ${err.message}`));
    return draftSaving;
  }

  /* Leaving the page with a pending draft: send it anyway (keepalive outlives the page). */
  function flushDraft() {
    if (draftTimer === null || !editor) return;
    clearTimeout(draftTimer);
    draftTimer = null;
    postJSON(editorRoot().dataset.draftUrl, payload(), { keepalive: true }).catch(() => {});
  }

  /* Submit and skip must not race a draft save that would outlive the annotation. */
  async function settleDrafts() {
    clearTimeout(draftTimer);
    draftTimer = null;
    await draftSaving;
  }

  /* ---- Tasks ---- */
  function mount() {
    editor = null;
    const root = editorRoot();
    if (!root) return;
    editor = window.QuorumEditor.mount(root, { onChange: scheduleDraft });
    shownAt = performance.now();
    showError("");
    root.dataset.ready = "true"; // hotkeys are bound from here on (tests wait for it)
  }

  async function loadNext() {
    const response = await fetch(stream.dataset.streamUrl, {
      credentials: "same-origin",
      headers: { "HX-Request": "true" },
    });
    if (!response.ok) throw new Error(`Could not load the next task (${response.status}).`);
    const html = await response.text();
    if (editor) editor.destroy();
    stream.innerHTML = html;
    mount();
    window.scrollTo({ top: 0 });
  }

  async function send(urlKey, body, onError) {
    if (busy || !editor) return;
    busy = true;
    stream.setAttribute("aria-busy", "true");
    try {
      await settleDrafts();
      await postJSON(editorRoot().dataset[urlKey], body);
      await loadNext();
      return true;
    } catch (err) {
      onError(err.message);
      return false;
    } finally {
      busy = false;
      stream.removeAttribute("aria-busy");
    }
  }

  const submit = () => send("submitUrl", payload(), showError);

  /* ---- Skip dialog ---- */
  const skipDialog = $("skip-dialog");
  function openSkip() {
    $("skip-comment").value = "";
    $("skip-error").hidden = true;
    skipDialog.showModal();
  }

  async function confirmSkip(event) {
    event.preventDefault();
    const body = { comment: $("skip-comment").value, lead_time: leadTime() };
    const ok = await send("skipUrl", body, (message) => {
      $("skip-error").textContent = message;
      $("skip-error").hidden = false;
    });
    if (ok) skipDialog.close();
  }

  if (skipDialog) {
    $("skip-form").addEventListener("submit", confirmSkip);
    $("skip-cancel").addEventListener("click", () => skipDialog.close());
  }

  /* ---- Instructions (ANN-1) ---- */
  const instructions = $("instructions-dialog");
  if (instructions) {
    $("show-instructions").addEventListener("click", () => instructions.showModal());
    if (instructions.hasAttribute("data-open-on-load")) instructions.showModal();
  }

  /* ---- Wiring ---- */
  stream.addEventListener("click", (event) => {
    if (event.target.closest("#ed-submit")) submit();
    else if (event.target.closest("#ed-skip")) openSkip();
  });

  document.addEventListener("keydown", (event) => {
    const submitKey = event.key === "Enter" && (event.ctrlKey || event.metaKey);
    if (!submitKey || document.querySelector("dialog[open]")) return;
    event.preventDefault();
    submit();
  });

  window.addEventListener("pagehide", flushDraft);
  mount();
})();
