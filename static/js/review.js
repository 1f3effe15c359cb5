/* Review stream controller (REV-1..3, REV-7): accept, fix and accept in the stream's editor
   (QuorumEditor), reject through a comment dialog; each action posts to the review API and
   swaps in the next step. Alt+A accepts and Alt+R rejects the selected annotation. */
(() => {
  "use strict";

  const review = document.getElementById("review");
  if (!review || !window.QuorumEditor) return;

  const csrfToken = document.querySelector('meta[name="csrf-token"]').content;
  const TYPING = "input, textarea, select, [contenteditable=''], [contenteditable='true']";
  const $ = (id) => document.getElementById(id);
  let editor = null; // the fix editor, while open
  let fixing = null; // the annotation card being fixed
  let busy = false;

  const cards = () => [...review.querySelectorAll(".rv-annotation.is-pending")];
  const current = () => review.querySelector(".rv-annotation.is-current");

  function select(card) {
    for (const c of review.querySelectorAll(".rv-annotation")) c.classList.toggle("is-current", c === card);
  }

  function showError(message, box = $("review-error")) {
    if (!box) return;
    box.textContent = message || "";
    box.hidden = !message;
  }

  async function post(card, body) {
    const response = await fetch(card.dataset.reviewUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrfToken },
      body: JSON.stringify(body),
    });
    const data = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(data.detail || `The server answered ${response.status}.`);
  }

  async function reload() {
    const response = await fetch(review.dataset.reviewUrl, { credentials: "same-origin", headers: { "HX-Request": "true" } });
    if (!response.ok) throw new Error(`Could not load the next task (${response.status}).`);
    closeFix();
    review.innerHTML = await response.text();
    select(cards()[0] || null);
  }

  /* Post a decision, then show what is left; errors go to `errorBox` and nothing changes. */
  async function decide(card, body, errorBox) {
    if (busy || !card) return false;
    busy = true;
    review.setAttribute("aria-busy", "true");
    try {
      await post(card, body);
      await reload();
      return true;
    } catch (err) {
      showError(err.message, errorBox);
      return false;
    } finally {
      busy = false;
      review.removeAttribute("aria-busy");
    }
  }

  /* ---- Fix and accept: a fresh clone of the editor, prefilled with the annotation ---- */
  function openFix(card) {
    closeFix();
    const root = $("fix-template").content.firstElementChild.cloneNode(true);
    const result = JSON.parse(card.querySelector(".rv-result-json").textContent);
    root.querySelector(".ed-state").textContent = JSON.stringify({ result, lead_time: 0 });
    $("fix-editor").replaceChildren(root);
    editor = window.QuorumEditor.mount(root, {});
    fixing = card;
    select(card);
    $("fix-annotation-id").textContent = `#${card.dataset.annotationId}`;
    $("fix-panel").hidden = false;
    $("fix-panel").scrollIntoView({ block: "start" });
  }

  function closeFix() {
    if (editor) editor.destroy();
    editor = null;
    fixing = null;
    const panel = $("fix-panel");
    if (panel) { panel.hidden = true; $("fix-editor").replaceChildren(); }
  }

  /* ---- Reject dialog ---- */
  const rejectDialog = $("reject-dialog");
  let rejecting = null;

  function openReject(card) {
    if (!card) return;
    rejecting = card;
    select(card);
    $("reject-comment").value = "";
    showError("", $("reject-error"));
    rejectDialog.showModal();
  }

  async function confirmReject(event) {
    event.preventDefault();
    const remove = event.submitter ? event.submitter.value === "remove" : !$("reject-requeue");
    const body = { accepted: false, remove, comment: $("reject-comment").value };
    if (await decide(rejecting, body, $("reject-error"))) rejectDialog.close();
  }

  $("reject-form").addEventListener("submit", confirmReject);
  $("reject-cancel").addEventListener("click", () => rejectDialog.close());

  /* ---- Instructions (REV-1) ---- */
  const instructions = $("instructions-dialog");
  if (instructions) {
    $("show-instructions").addEventListener("click", () => instructions.showModal());
    if (instructions.hasAttribute("data-open-on-load")) instructions.showModal();
  }

  /* ---- Wiring ---- */
  review.addEventListener("click", (event) => {
    const t = event.target;
    const card = t.closest(".rv-annotation");
    if (card && card.classList.contains("is-pending")) select(card);
    if (t.closest(".rv-accept")) decide(card, { accepted: true });
    else if (t.closest(".rv-fix")) openFix(card);
    else if (t.closest(".rv-reject")) openReject(card);
    else if (t.closest("#fix-cancel")) closeFix();
    else if (t.closest("#fix-save")) decide(fixing, { accepted: true, result: editor.result() });
  });

  document.addEventListener("keydown", (event) => {
    if (!event.altKey || event.ctrlKey || event.metaKey || event.repeat) return;
    if (event.target.closest && event.target.closest(TYPING)) return;
    if (document.querySelector("dialog[open]")) return;
    // event.code: Alt+letter types another character on some layouts (e.g. å on a Mac).
    if (event.code === "KeyA") { event.preventDefault(); decide(current(), { accepted: true }); }
    else if (event.code === "KeyR") { event.preventDefault(); openReject(current()); }
  });

  // Mark as ground truth posts through htmx and swaps the step back in: select again.
  // After settling: htmx gives a swapped-in element with a known id its old class and
  // restores the new one only when it settles, which would drop an earlier is-current.
  review.addEventListener("htmx:afterSettle", () => select(cards()[0] || null));

  select(cards()[0] || null);
})();
