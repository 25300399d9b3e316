// A project's label set on its dashboard (for the types that have one): edit it, see what a
// change means for the tasks and answers already there, and confirm before removing labels.

import { api } from "./api.js";
import { confirmDialog, h } from "./dom.js";
import { fieldErrors } from "./field_errors.js";

const lines = (text) => text.split("\n").map((l) => l.trim()).filter(Boolean);

export function labelsPanel(base, title, section) {
  const input = h("textarea", { id: "labels-edit", rows: 5, "aria-describedby": "labels-effect" });
  const effect = h("p", { id: "labels-effect", class: "muted" });
  const saved = h("p", { role: "status", id: "labels-saved" });
  const error = h("p", { class: "error", role: "alert", id: "labels-error" });
  const errors = fieldErrors([["labels", input]], error);
  const confirmRemoval = confirmDialog({ id: "confirm-labels", title: "Remove labels", action: "Save labels", danger: true });
  let current = [];

  const save = h("button", { type: "submit", class: "primary" }, "Save labels");

  // Labels with more structure than one list (view.locked says which) are shown, not edited.
  function show(view) {
    current = view.labels;
    input.value = current.join("\n");
    input.readOnly = save.hidden = Boolean(view.locked);
    effect.textContent = view.locked ? `Not editable here: ${view.locked}.` : `One per line. ${view.effect}`;
  }

  const form = h("form", { class: "stack" },
    h("label", { for: input.id }, title), input, effect, save, saved, error);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    errors.clear();
    saved.textContent = "";
    const labels = lines(input.value);
    const removed = current.filter((l) => !labels.includes(l));
    if (removed.length && !(await confirmRemoval(`Remove ${removed.join(", ")}? Tasks created from now `
      + "on will not offer them. Tasks already created keep them, and answers that used them keep "
      + "them in the project's exports."))) return;
    try {
      const changed = await api("PUT", `${base}/labels`, { labels });
      show(changed);
      const parts = [changed.added.length ? `added ${changed.added.join(", ")}` : "",
        changed.removed.length ? `removed ${changed.removed.join(", ")}` : ""].filter(Boolean);
      saved.textContent = `Saved (params version ${changed.version})${parts.length ? `: ${parts.join("; ")}` : ""}.`;
    } catch (err) {
      errors.show(err);
    }
  });
  api("GET", `${base}/labels`).then(show, (err) => errors.show(err));
  return section("Labels", form);
}
