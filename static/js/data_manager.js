// Data Manager: page-wide selection, the user picker of assign actions, and confirmations.
// Delegated on document so it keeps working after htmx swaps #dm-table.
// The filters refresh the table on any change, and after a pause in typing in a search box.
// The events are picked here, not by htmx trigger filters ("change[...]"): those are
// evaluated JavaScript, which the Content-Security-Policy refuses.
const filterEvent = (event) => {
  const target = event.target;
  if (!target.form || target.form.id !== "dm-filters") return;
  const search = target.type === "search";
  if (event.type === "change" && !search) htmx.trigger(target.form, "dm-filter");
  if (event.type === "input" && search) htmx.trigger(target.form, "dm-search");
};
document.addEventListener("change", filterEvent);
document.addEventListener("input", filterEvent);

document.addEventListener("change", (event) => {
  const target = event.target;
  if (target.id === "dm-select-page") {
    document.querySelectorAll("input[name=ids][form=dm-actions]").forEach((box) => { box.checked = target.checked; });
  }
  if (target.name === "action" && target.form && target.form.id === "dm-actions") {
    const asks = target.selectedOptions[0]?.dataset.asks || "";
    target.form.querySelectorAll("[data-picker]").forEach((picker) => {
      const wanted = picker.dataset.picker === asks;
      picker.hidden = !wanted;
      picker.disabled = !wanted;
    });
  }
});

document.addEventListener("htmx:confirm", (event) => {
  const form = event.detail.elt;
  if (!form || form.id !== "dm-actions") return;
  const question = form.elements.action.selectedOptions[0]?.dataset.confirm;
  if (!question) return;
  event.preventDefault();
  if (window.confirm(question)) event.detail.issueRequest(true);
});

// Leave empty filters out of the request, so the pushed URL says only what is set.
document.addEventListener("htmx:configRequest", (event) => {
  if (event.detail.elt.id !== "dm-filters") return;
  const form = event.detail.formData;
  [...new Set(form.keys())].forEach((key) => {
    if (form.getAll(key).every((value) => value === "")) form.delete(key);
  });
});
