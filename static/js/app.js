// Page-wide behaviour that templates would otherwise put in style="..." or on*="..."
// attributes, both refused by the Content-Security-Policy (webapp/security_headers.py).

// Colours the server computes per element (a project's colour, a label's background) reach
// the page as data attributes, turned here into CSS custom properties through CSSOM, which
// the policy allows (element.style.setProperty). The stylesheets read the properties.
(() => {
  const PROPERTIES = { projectColor: "--project-color", labelColor: "--label-color" };
  const SELECTOR = "[data-project-color], [data-label-color]";

  const paint = (element) => {
    for (const [key, property] of Object.entries(PROPERTIES)) {
      if (element.dataset[key]) element.style.setProperty(property, element.dataset[key]);
    }
  };

  const paintWithin = (root) => {
    if (root.matches(SELECTOR)) paint(root);
    root.querySelectorAll(SELECTOR).forEach(paint);
  };

  paintWithin(document.documentElement);
  // Content arrives later too (htmx swaps, the stream's and review's own fetches).
  new MutationObserver((mutations) => {
    for (const mutation of mutations) {
      mutation.addedNodes.forEach((node) => { if (node instanceof Element) paintWithin(node); });
    }
  }).observe(document.documentElement, { childList: true, subtree: true });
})();

// A range input shows its value in its <output for="..."> (followed by the output's
// data-unit), the job of an oninput attribute, which the CSP refuses too.
document.addEventListener("input", (event) => {
  const input = event.target;
  if (!(input instanceof HTMLInputElement) || input.type !== "range" || !input.id) return;
  document.querySelectorAll(`output[for="${CSS.escape(input.id)}"]`).forEach((output) => {
    output.value = input.value + (output.dataset.unit || "");
  });
});
