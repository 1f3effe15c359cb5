/* Quorum editor: makes the server-rendered labeling controls (templates/partials/editor.html)
   interactive and reads them back as Label Studio result JSON.

   window.QuorumEditor.mount(root, {onChange}) -> {result(), leadTime, destroy()}

   With interactive pre-annotations (ML-5) the state names a suggest_url, and
   static/js/suggest.js asks the model about each selection and lists its suggestions.

   Span offsets are Unicode code points (Python string indices, end exclusive) while the
   DOM counts UTF-16 units, so every offset crossing that line goes through Offsets (LBL-1). */
(() => {
  "use strict";

  const uid = () => Math.random().toString(36).slice(2, 12);
  const TYPING = "input, textarea, select, [contenteditable=''], [contenteditable='true']";
  const isTyping = (el) => el instanceof Element && el.closest(TYPING) !== null;
  const el = (tag, props = {}, ...children) => {
    const node = Object.assign(document.createElement(tag), props);
    node.append(...children);
    return node;
  };

  /* Code point <-> UTF-16 offsets of one string. */
  class Offsets {
    constructor(text) {
      this.text = text;
      this.u16 = [0]; // u16[cp] = UTF-16 offset of code point cp
      let units = 0;
      for (const ch of text) this.u16.push((units += ch.length));
    }
    get length() { return this.u16.length - 1; }
    /* The code point at a UTF-16 offset; inside a surrogate pair, round down or up. */
    toCodePoint(units, roundUp) {
      let lo = 0, hi = this.length;
      while (lo < hi) { // first cp whose offset is >= units
        const mid = (lo + hi) >> 1;
        if (this.u16[mid] < units) lo = mid + 1; else hi = mid;
      }
      return this.u16[lo] === units || roundUp ? lo : lo - 1;
    }
    slice(start, end) { return this.text.slice(this.u16[start], this.u16[end]); }
  }

  /* A <Text> object: renders its text with the regions as nested <mark>s. */
  class TextObject {
    constructor(node) {
      this.node = node;
      this.name = node.dataset.object;
      this.offsets = new Offsets(JSON.parse(node.dataset.source));
    }

    /* The selected span in code points, clipped to this text and trimmed, or null. */
    selectedSpan() {
      const sel = window.getSelection();
      if (!sel || sel.rangeCount === 0 || sel.isCollapsed) return null;
      const range = sel.getRangeAt(0).cloneRange();
      if (!range.intersectsNode(this.node)) return null;
      if (!this.node.contains(range.startContainer)) range.setStart(this.node, 0);
      if (!this.node.contains(range.endContainer)) range.setEnd(this.node, this.node.childNodes.length);
      // Only the text itself lives in the node, so the text before a point is its offset.
      const unitsBefore = (container, offset) => {
        const before = document.createRange();
        before.setStart(this.node, 0);
        before.setEnd(container, offset);
        return before.toString().length;
      };
      const startU = unitsBefore(range.startContainer, range.startOffset);
      const endU = unitsBefore(range.endContainer, range.endOffset);
      let start = this.offsets.toCodePoint(startU, false);
      let end = this.offsets.toCodePoint(endU, true);
      while (start < end && /\s/u.test(this.offsets.slice(start, start + 1))) start++;
      while (end > start && /\s/u.test(this.offsets.slice(end - 1, end))) end--;
      return start < end ? { start, end, text: this.offsets.slice(start, end) } : null;
    }

    /* Select code points [start, end) again: a re-render replaces the nodes a selection
       was in, and an annotator may still press a label key for it. */
    select({ start, end }) {
      const at = (units) => {
        const walker = document.createTreeWalker(this.node, NodeFilter.SHOW_TEXT);
        for (let n = walker.nextNode(); n; n = walker.nextNode()) {
          if (units <= n.data.length) return [n, units];
          units -= n.data.length;
        }
        return [this.node, this.node.childNodes.length];
      };
      const range = document.createRange();
      range.setStart(...at(this.offsets.u16[start]));
      range.setEnd(...at(this.offsets.u16[end]));
      window.getSelection().removeAllRanges();
      window.getSelection().addRange(range);
    }

    /* Rebuild the text as segments; each segment is wrapped in the marks covering it,
       outermost first, so nested and overlapping regions all stay visible. */
    render(regions, colourOf, selectedId) {
      const cuts = new Set([0, this.offsets.length]);
      for (const r of regions) { cuts.add(r.value.start); cuts.add(r.value.end); }
      const points = [...cuts].sort((a, b) => a - b);
      const fragment = document.createDocumentFragment();
      for (let i = 0; i + 1 < points.length; i++) {
        const [a, b] = [points[i], points[i + 1]];
        const covering = regions
          .filter((r) => r.value.start <= a && r.value.end >= b)
          .sort((x, y) => x.value.start - y.value.start || y.value.end - x.value.end);
        let node = document.createTextNode(this.offsets.slice(a, b));
        covering.slice().reverse().forEach((r, depth) => {
          const title = r.suggested ? `Suggested: ${r.value.labels.join(", ")} (click to accept)` : r.value.labels.join(", ");
          const mark = el("mark", { className: "ed-mark", title });
          mark.dataset.regionId = r.id;
          mark.classList.toggle("is-suggestion", r.suggested === true);
          mark.style.setProperty("--c", colourOf(r));
          mark.style.setProperty("--depth", depth);
          mark.classList.toggle("is-selected", r.id === selectedId);
          mark.append(node);
          node = mark;
        });
        fragment.append(node);
      }
      this.node.replaceChildren(fragment);
    }
  }

  class Editor {
    constructor(root, { onChange } = {}) {
      this.root = root;
      this.onChange = onChange || (() => {});
      this.stop = new AbortController();
      this.texts = new Map([...root.querySelectorAll(".ed-text")].map((n) => [n.dataset.object, new TextObject(n)]));
      this.controls = new Map([...root.querySelectorAll("[data-control]")].map((n) => [n.dataset.control, n]));
      this.hotkeys = new Map();
      for (const b of root.querySelectorAll(".ed-option[data-hotkey]")) this.hotkeys.set(b.dataset.hotkey, b);
      this.ids = new Map(); // control name -> result item id, kept across edits
      this.regions = [];
      this.kept = []; // items shown nowhere (spans on HyperText) but not to be lost
      this.selectedId = null;
      this.activeLabel = null;
      const state = JSON.parse(root.querySelector(".ed-state").textContent);
      this.leadTime = Number(state.lead_time) || 0;
      this.revealHidden = state.reveal_hidden === true; // OPT-4
      this.hidden = []; // pre-annotated regions not revealed yet (never submitted)
      this.load(Array.isArray(state.result) ? state.result : []);
      this.suggestions = state.suggest_url && window.QuorumSuggestions
        ? window.QuorumSuggestions.create(this, state.suggest_url) : null; // ML-5
      this.listen();
      this.renderRegions();
    }

    destroy() {
      this.stop.abort();
      if (this.suggestions) this.suggestions.destroy();
    }

    changed() { this.onChange(); }

    listen() {
      const opts = { signal: this.stop.signal };
      this.root.addEventListener("mousedown", (e) => {
        if (e.target.closest(".ed-label")) e.preventDefault(); // keep the text selection
      }, opts);
      this.root.addEventListener("click", (e) => this.onClick(e), opts);
      this.root.addEventListener("input", () => this.changed(), opts);
      document.addEventListener("mouseup", (e) => {
        // A label click labels on its own; a click on a suggestion accepts it.
        if (!e.target.closest(".ed-option, .ed-suggestions")) this.onMouseUp();
      }, opts);
      document.addEventListener("keydown", (e) => this.onKey(e), opts);
    }

    onClick(e) {
      const t = e.target;
      const option = t.closest(".ed-option");
      if (option) return option.classList.contains("ed-label") ? this.onLabelKey(option) : this.toggleChoice(option);
      const star = t.closest(".ed-star");
      if (star) return this.setRating(star.closest("[data-control]"), Number(star.dataset.rating), true);
      const remove = t.closest(".ed-region-delete");
      if (remove) return this.removeRegion(remove.closest("[data-region-id]").dataset.regionId);
      const item = t.closest(".ed-region-item");
      const mark = t.closest(".ed-mark");
      // A mark replaced by a re-render during mouseup (a new region) is no click target.
      if (!(item || (mark && mark.isConnected)) || !window.getSelection().isCollapsed) return;
      if (mark && mark.classList.contains("is-suggestion")) this.suggestions.accept(mark.dataset.regionId);
      else this.selectRegion((item || mark).dataset.regionId);
    }

    onKey(e) {
      if (e.defaultPrevented || e.repeat || e.ctrlKey || e.metaKey || e.altKey) return;
      if (isTyping(e.target) || document.querySelector("dialog[open]")) return;
      if ((e.key === "Delete" || e.key === "Backspace") && this.selectedId) {
        e.preventDefault();
        this.removeRegion(this.selectedId);
      } else if (e.key === "Enter" && this.suggestions
        && (e.shiftKey ? this.suggestions.acceptAllSpans() : this.suggestions.acceptFirst())) {
        e.preventDefault();
      } else if (e.key === "Escape") {
        if (this.suggestions) this.suggestions.clear();
        this.setActiveLabel(null);
        this.selectRegion(null);
        window.getSelection().removeAllRanges();
      } else if (this.hotkeys.has(e.key.toLowerCase())) {
        e.preventDefault();
        const option = this.hotkeys.get(e.key.toLowerCase());
        if (option.classList.contains("ed-label")) this.onLabelKey(option); else this.toggleChoice(option);
      }
    }

    /* ---- Choices ---- */
    toggleChoice(option) {
      const control = option.closest("[data-control]");
      const on = option.getAttribute("aria-pressed") !== "true";
      if (control.dataset.multiple !== "true") {
        for (const o of control.querySelectorAll(".ed-option")) o.setAttribute("aria-pressed", "false");
      }
      option.setAttribute("aria-pressed", String(on));
      this.changed();
    }

    /* ---- Labels and regions ---- */
    onLabelKey(option) {
      const control = option.closest("[data-control]");
      const text = this.texts.get(control.dataset.toName);
      const span = text && text.selectedSpan();
      if (span) {
        this.addRegion(text, span, control.dataset.control, option.dataset.value);
        if (this.suggestions) this.suggestions.askAbout(text, span, option);
      } else {
        this.setActiveLabel(this.activeLabel === option ? null : option);
      }
    }

    setActiveLabel(option) {
      this.activeLabel = option;
      for (const o of this.root.querySelectorAll(".ed-label")) o.setAttribute("aria-pressed", String(o === option));
    }

    /* A mouse selection with a label picked becomes a region at once; any selection
       also reveals the hidden pre-annotations inside it (OPT-4). */
    onMouseUp() {
      const revealed = this.revealSelected();
      const control = this.activeLabel && this.activeLabel.closest("[data-control]");
      const text = control && this.texts.get(control.dataset.toName);
      const span = text && text.selectedSpan();
      const asked = span ? { text, span, option: this.activeLabel } : this.anySelection();
      if (span) this.addRegion(text, span, control.dataset.control, this.activeLabel.dataset.value);
      else if (revealed) { this.renderRegions(); this.changed(); }
      if (asked && this.suggestions) this.suggestions.askAbout(asked.text, asked.span, asked.option);
    }

    /* The first text selection, for the model's context (ML-5, static/js/suggest.js). */
    anySelection() {
      for (const text of this.texts.values()) {
        const span = text.selectedSpan();
        if (span) return { text, span, option: null };
      }
      return null;
    }

    revealSelected() {
      let moved = false;
      for (const text of this.hidden.length ? this.texts.values() : []) {
        const span = text.selectedSpan();
        if (!span) continue;
        const inside = (r) => r.to_name === text.name && r.value.start >= span.start && r.value.end <= span.end;
        this.regions.push(...this.hidden.filter(inside));
        moved = moved || this.hidden.some(inside);
        this.hidden = this.hidden.filter((r) => !inside(r));
      }
      return moved;
    }

    addRegion(text, span, fromName, label) {
      window.getSelection().removeAllRanges();
      const same = this.regions.find((r) => r.from_name === fromName && r.value.start === span.start
        && r.value.end === span.end && r.value.labels[0] === label);
      if (!same) {
        this.regions.push({
          id: uid(), from_name: fromName, to_name: text.name, type: "labels",
          value: { start: span.start, end: span.end, text: span.text, labels: [label] },
        });
      }
      this.selectedId = null;
      this.renderRegions();
      this.changed();
    }

    removeRegion(id) {
      this.regions = this.regions.filter((r) => r.id !== id);
      if (this.selectedId === id) this.selectedId = null;
      this.renderRegions();
      this.changed();
    }

    selectRegion(id) {
      this.selectedId = this.selectedId === id ? null : id;
      this.renderRegions();
    }

    colourOf(region) {
      const control = this.controls.get(region.from_name);
      const option = control && [...control.querySelectorAll(".ed-label")]
        .find((o) => o.dataset.value === region.value.labels[0]);
      return (option && option.dataset.labelColor) || "#d9d9d9";
    }

    renderRegions() {
      const colourOf = (r) => this.colourOf(r);
      const shown = this.suggestions ? [...this.regions, ...this.suggestions.spans()] : this.regions;
      const selected = this.anySelection();
      for (const text of this.texts.values()) {
        text.render(shown.filter((r) => r.to_name === text.name), colourOf, this.selectedId);
      }
      if (selected) selected.text.select(selected.span);
      const list = this.root.querySelector("#region-list");
      if (!list) return;
      const sorted = [...this.regions].sort((a, b) => a.value.start - b.value.start || a.value.end - b.value.end);
      list.replaceChildren(...sorted.map((r) => {
        const item = el("li", { className: "ed-region-item", id: `region-${r.id}`, tabIndex: 0 },
          el("span", { className: "ed-swatch" }),
          el("strong", { className: "ed-region-label", textContent: r.value.labels.join(", ") }),
          el("span", { className: "ed-region-text", textContent: r.value.text }),
          el("button", { type: "button", className: "ed-region-delete", title: "Delete region", textContent: "×" }));
        item.dataset.regionId = r.id;
        item.dataset.start = r.value.start;
        item.dataset.end = r.value.end;
        item.style.setProperty("--c", colourOf(r));
        item.classList.toggle("is-selected", r.id === this.selectedId);
        return item;
      }));
      this.root.querySelector("#region-count").textContent = this.regions.length;
      this.root.querySelector("#region-empty").hidden = this.regions.length > 0;
    }

    /* ---- Rating ---- */
    setRating(control, n, toggle) {
      const current = Number(control.dataset.rating || 0);
      const rating = toggle && current === n ? 0 : n;
      control.dataset.rating = rating;
      for (const s of control.querySelectorAll(".ed-star")) {
        s.setAttribute("aria-pressed", String(Number(s.dataset.rating) <= rating));
      }
      if (toggle) this.changed();
    }

    /* ---- Reading and writing Label Studio results ---- */
    item(control, type, value) {
      const name = control.dataset.control;
      if (!this.ids.has(name)) this.ids.set(name, uid());
      return { id: this.ids.get(name), from_name: name, to_name: control.dataset.toName, type, value };
    }

    result() {
      const items = [];
      for (const control of this.controls.values()) {
        const type = control.dataset.controlType;
        if (type === "choices") {
          const chosen = [...control.querySelectorAll(".ed-option[aria-pressed='true']")].map((o) => o.dataset.value);
          if (chosen.length) items.push(this.item(control, type, { choices: chosen }));
        } else if (type === "textarea") {
          const text = control.querySelector("textarea").value;
          if (text.trim()) items.push(this.item(control, type, { text: [text] }));
        } else if (type === "rating") {
          const rating = Number(control.dataset.rating || 0);
          if (rating) items.push(this.item(control, type, { rating }));
        } else if (type === "number") {
          const input = control.querySelector("input");
          if (input.value !== "" && Number.isFinite(input.valueAsNumber)) {
            items.push(this.item(control, type, { number: input.valueAsNumber }));
          }
        } else if (type === "taxonomy") {
          const paths = [...control.querySelectorAll(".ed-taxonomy-node:checked")].map((c) => JSON.parse(c.dataset.path));
          if (paths.length) items.push(this.item(control, type, { taxonomy: paths }));
        }
      }
      return [...items, ...this.regions, ...this.kept];
    }

    /* Restore a draft or a prediction; items for controls no longer in the config are dropped. */
    load(result) {
      for (const item of result) {
        const control = item && item.value && this.controls.get(item.from_name);
        if (!control) continue;
        const value = item.value;
        if (item.type === "labels") {
          this.loadRegion(item);
          continue;
        }
        if (item.id) this.ids.set(item.from_name, item.id);
        if (item.type === "choices") {
          const wanted = new Set(value.choices || []);
          for (const o of control.querySelectorAll(".ed-option")) o.setAttribute("aria-pressed", String(wanted.has(o.dataset.value)));
        } else if (item.type === "textarea") {
          control.querySelector("textarea").value = (value.text || []).join("\n");
        } else if (item.type === "rating") {
          this.setRating(control, Number(value.rating) || 0, false);
        } else if (item.type === "number") {
          control.querySelector("input").value = value.number ?? "";
        } else if (item.type === "taxonomy") {
          const wanted = new Set((value.taxonomy || []).map((p) => JSON.stringify(p)));
          for (const c of control.querySelectorAll(".ed-taxonomy-node")) c.checked = wanted.has(JSON.stringify(JSON.parse(c.dataset.path)));
        }
      }
    }

    loadRegion(item) {
      const text = this.texts.get(item.to_name);
      if (!text) { this.kept.push(item); return; } // e.g. a span on HyperText
      const { start, end } = item.value;
      if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end > text.offsets.length || start >= end) return;
      const { hidden, ...rest } = item;
      const region = {
        ...rest, id: item.id || uid(),
        value: { ...item.value, text: text.offsets.slice(start, end), labels: [...(item.value.labels || [])] },
      };
      (hidden === true && this.revealHidden ? this.hidden : this.regions).push(region);
    }
  }

  window.QuorumEditor = {
    mount(root, options) {
      const editor = new Editor(root, options);
      return {
        result: () => editor.result(),
        leadTime: editor.leadTime,
        destroy: () => editor.destroy(),
      };
    },
  };
})();
