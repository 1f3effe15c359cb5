/* Interactive pre-annotations (ML-5) for the editor (static/js/editor.js).

   When the project's model has them on, the editor's state carries `suggest_url`. Each
   text selection (with the label picked, if any) is posted there as Label Studio's
   interactive context, {task_id, context: {result: [region]}}, and the model's answer is
   listed as suggestions: span suggestions also show in the text with a dashed outline.
   Click one (or press Enter for the first, Shift+Enter for every span) to accept it: it
   becomes an ordinary region or choice. Esc or a new selection drops them.

   window.QuorumSuggestions.create(editor, url) -> {askAbout(text, span, option), spans(),
   accept(id), acceptFirst(), acceptAllSpans(), clear(), destroy()}; it uses the editor's
   root, controls, texts, addRegion(), toggleChoice() and renderRegions(). */
(() => {
  "use strict";

  const csrf = () => (document.querySelector('meta[name="csrf-token"]') || {}).content || "";
  const el = (tag, props = {}, ...children) => {
    const node = Object.assign(document.createElement(tag), props);
    node.append(...children);
    return node;
  };
  const percent = (score) => (typeof score === "number" ? `${Math.round(score * 100)}%` : "");

  class Suggestions {
    constructor(editor, url) {
      this.editor = editor;
      this.url = url;
      this.items = [];
      this.asked = 0; // answers to older questions are dropped
      this.stop = new AbortController();
      this.panel = this.buildPanel();
    }

    buildPanel() {
      const root = this.editor.root;
      const panel = el("section", { className: "ed-suggestions", id: "suggestions" },
        el("h3", { textContent: "Model suggestions" }),
        el("p", { className: "muted ed-suggestions-status", id: "suggestions-status",
          textContent: "Select text to ask the model." }),
        el("ol", { className: "ed-suggestion-list", id: "suggestion-list" }),
        el("p", { className: "muted ed-suggestions-help",
          innerHTML: "Click to accept · <kbd>Enter</kbd> first · <kbd>Shift</kbd>+<kbd>Enter</kbd> all spans · <kbd>Esc</kbd> dismiss" }));
      panel.setAttribute("aria-live", "polite");
      (root.querySelector(".ed-side") || root.querySelector(".ed-main")).append(panel);
      panel.addEventListener("click", (e) => {
        const button = e.target.closest("[data-suggestion-id]");
        if (button) this.accept(button.dataset.suggestionId);
      }, { signal: this.stop.signal });
      return panel;
    }

    /* Ask about a selection (with the label option picked, if any). */
    askAbout(text, span, option) {
      const control = option ? option.closest("[data-control]") : [...this.editor.controls.values()]
        .find((c) => c.dataset.controlType === "labels" && c.dataset.toName === text.name);
      this.ask({
        from_name: control ? control.dataset.control : "", to_name: text.name, type: "labels",
        value: { start: span.start, end: span.end, text: span.text, labels: option ? [option.dataset.value] : [] },
      });
    }

    status(text) { this.panel.querySelector("#suggestions-status").textContent = text; }

    async ask(item) {
      const asked = ++this.asked;
      this.items = [];
      this.render("Asking the model…");
      const body = { task_id: Number(this.editor.root.dataset.taskId), context: { result: [item] } };
      try {
        const response = await fetch(this.url, {
          method: "POST", credentials: "same-origin", signal: this.stop.signal, body: JSON.stringify(body),
          headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrf() },
        });
        const data = await response.json().catch(() => ({}));
        if (asked !== this.asked) return;
        if (!response.ok) throw new Error(data.detail || `The server answered ${response.status}.`);
        this.items = (data.suggestions || []).filter((s) => this.fits(s));
        this.render(this.items.length ? "" : "The model has no suggestion here.");
      } catch (err) {
        if (err.name !== "AbortError" && asked === this.asked) this.render(err.message);
      }
    }

    render(message) {
      this.status(message);
      this.panel.querySelector("#suggestion-list").replaceChildren(...this.items.map((s) => {
        const value = s.type === "labels" ? s.value.labels[0] : s.value.choices.join(", ");
        const button = el("button", { type: "button", className: "ed-suggestion", title: "Accept this suggestion" },
          el("strong", { textContent: value }),
          el("span", { className: "ed-suggestion-text", textContent: s.type === "labels" ? s.value.text : "whole task" }),
          el("span", { className: "muted", textContent: percent(s.score) }));
        button.dataset.suggestionId = s.id;
        return el("li", {}, button);
      }));
      this.panel.classList.toggle("has-items", this.items.length > 0);
      this.editor.renderRegions();
    }

    /* Whether a suggestion names a control (and, for a span, a text) of this editor. */
    fits(s) {
      const control = this.editor.controls.get(s.from_name);
      if (!control || !s.value) return false;
      if (s.type === "labels") return control.dataset.controlType === "labels" && this.editor.texts.has(s.to_name);
      return s.type === "choices" && control.dataset.controlType === "choices" && Array.isArray(s.value.choices);
    }

    spans() { return this.items.filter((s) => s.type === "labels").map((s) => ({ ...s, suggested: true })); }

    accept(id) {
      const item = this.items.find((s) => s.id === id);
      if (!item) return;
      this.items = this.items.filter((s) => s !== item);
      this.render(this.items.length ? "" : "Accepted.");
      this.apply(item);
    }

    /* An accepted suggestion becomes an ordinary region, or presses its choice. */
    apply(s) {
      const control = this.editor.controls.get(s.from_name);
      if (s.type === "labels") {
        const text = this.editor.texts.get(s.to_name);
        const { start, end } = s.value;
        this.editor.addRegion(text, { start, end, text: text.offsets.slice(start, end) }, s.from_name, s.value.labels[0]);
        return;
      }
      for (const value of s.value.choices) {
        const option = [...control.querySelectorAll(".ed-option")].find((o) => o.dataset.value === value);
        if (option && option.getAttribute("aria-pressed") !== "true") this.editor.toggleChoice(option);
      }
    }

    acceptFirst() {
      if (!this.items.length) return false;
      this.accept(this.items[0].id);
      return true;
    }

    acceptAllSpans() {
      const spans = this.items.filter((s) => s.type === "labels");
      spans.forEach((s) => this.accept(s.id));
      return spans.length > 0;
    }

    clear() {
      this.asked++;
      if (!this.items.length) return;
      this.items = [];
      this.render("Select text to ask the model.");
    }

    destroy() { this.stop.abort(); }
  }

  window.QuorumSuggestions = { create: (editor, url) => new Suggestions(editor, url) };
})();
