// Colours the server computes per element (a project's colour, a label's background) reach
// the page as data attributes, and this file turns them into CSS custom properties through
// CSSOM: the Content-Security-Policy (webapp/security_headers.py) refuses style="..."
// attributes, but not element.style.setProperty. The stylesheets read the properties.
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
