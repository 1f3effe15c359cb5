/* Labeling config editor (LBL-2): numbers the XML's lines in a gutter and points at the
   line a config error names. The error is #config-error in the live preview, which both
   the preview (on keyup) and Save (the whole section) render with data-config-error-line.

   Pointing at the line never fights the typist: while the textarea has focus, only the
   gutter and the "Line N" marker show it, since moving the caret mid-word would scramble
   the next keystrokes. When the textarea has no focus (Save swapped in a fresh editor,
   or the user left it), the line's text is also selected and scrolled to, without taking
   focus. Clicking the marker focuses the editor with the line selected. */
(() => {
  "use strict";

  function parts() {
    const box = document.querySelector("[data-config-editor]");
    if (!box) return null;
    const textarea = box.querySelector("textarea");
    // The line the editor points at lives on the textarea: a swapped-in one starts afresh.
    return { textarea, gutter: box.querySelector(".config-gutter"), marker: document.querySelector(".config-error-line"),
             line: Number(textarea.dataset.errorLine) || 0 };
  }

  /* [start, end) of 1-based `line` in `text`: textarea values use "\n" only. */
  function lineRange(text, line) {
    const lines = text.split("\n");
    const index = Math.min(line, lines.length) - 1;
    const start = lines.slice(0, index).reduce((sum, l) => sum + l.length + 1, 0);
    return [start, start + lines[index].length];
  }

  function selectLine(textarea, line) {
    const [start, end] = lineRange(textarea.value, line);
    textarea.setSelectionRange(start, end);
    const lineHeight = parseFloat(getComputedStyle(textarea).lineHeight);
    // A third down the box, so the lines before it give context.
    textarea.scrollTop = Math.max(0, (line - 1) * lineHeight - textarea.clientHeight / 3);
  }

  function renumber({ textarea, gutter, line }) {
    const count = textarea.value.split("\n").length;
    if (gutter.childElementCount !== count) {
      gutter.replaceChildren(...Array.from({ length: count }, (_, i) => {
        const number = document.createElement("span");
        number.textContent = String(i + 1);
        return number;
      }));
    }
    [...gutter.children].forEach((n, i) => n.classList.toggle("is-error", i + 1 === line));
    gutter.scrollTop = textarea.scrollTop;
  }

  /* Read the error the preview shows now and point the editor at it, or clear the marks. */
  function sync() {
    const ed = parts();
    if (!ed) return;
    const { textarea, marker } = ed;
    if (!textarea.dataset.errorLine) { // first sight of this textarea
      textarea.addEventListener("input", () => renumber(parts()));
      textarea.addEventListener("scroll", () => { ed.gutter.scrollTop = textarea.scrollTop; });
    }
    const error = document.querySelector("#config-preview #config-error");
    const line = error ? Number(error.dataset.configErrorLine) || 0 : 0;
    const moved = line !== ed.line || !textarea.dataset.errorLine;
    textarea.dataset.errorLine = String(line);
    renumber({ ...ed, line });
    if (error) {
      textarea.setAttribute("aria-invalid", "true");
      textarea.setAttribute("aria-describedby", error.id);
    } else {
      textarea.removeAttribute("aria-invalid");
      textarea.removeAttribute("aria-describedby");
    }
    marker.hidden = !line;
    marker.textContent = line ? `Line ${line}` : "";
    marker.title = line ? `Select line ${line} in the editor` : "";
    if (line && moved && document.activeElement !== textarea) selectLine(textarea, line);
  }

  document.addEventListener("click", (event) => {
    const ed = event.target.closest(".config-error-line") && parts();
    if (!ed || !ed.line) return;
    ed.textarea.focus();
    selectLine(ed.textarea, ed.line);
  });

  // Bubbles up from either target (#config-preview, #settings-section); after settling,
  // htmx is done with the new content (it settles the class of same-id elements late).
  document.addEventListener("htmx:afterSettle", sync);
  sync();
})();
