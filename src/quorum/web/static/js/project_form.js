// Creating a project: task type, labels (or any params as JSON), instructions, quality policy.

import { api, errorText } from "./api.js";
import { h } from "./dom.js";
import { policyFields, readPolicy } from "./policy_fields.js";

// Where each type keeps its label set in the params; other types take params as JSON only.
const LABELS = {
  categorization: ["Categories", (ls) => ({ categories: ls })],
  namedentityrecognition: ["Entity labels", (ls) => ({ labels: ls.map((name) => ({ name })) })],
  imageannotation: ["Objects to box", (ls) => ({ geometries: { box: { objects_to_annotate: ls } } })],
};

const form = document.getElementById("new-project");
const types = form.dataset.types.split(",");
const labelsField = h("div", { class: "field" },
  h("label", { for: "labels", id: "labels-label" }, "Labels"),
  h("textarea", { id: "labels", name: "labels", rows: 5, "aria-describedby": "labels-help" }),
  h("p", { id: "labels-help", class: "muted" }, "One per line, in the order of their number keys."));
const error = h("p", { class: "error", role: "alert", id: "form-error" });

form.append(
  h("div", { class: "field" }, h("label", { for: "name" }, "Name"),
    h("input", { id: "name", name: "name", required: true, maxlength: 200, autofocus: true })),
  h("div", { class: "field" }, h("label", { for: "type" }, "Task type"),
    h("select", { id: "type", name: "type", onchange: showLabels }, types.map((t) => h("option", { value: t }, t)))),
  labelsField,
  h("div", { class: "field" }, h("label", { for: "params" }, "More params (JSON object, optional)"),
    h("textarea", { id: "params", name: "params", rows: 3, placeholder: "{\"allow_multiple\": true}" })),
  h("div", { class: "field" }, h("label", { for: "instruction" }, "Instructions for annotators (Markdown)"),
    h("textarea", { id: "instruction", name: "instruction", rows: 6 })),
  policyFields(),
  h("div", { class: "actions" }, h("button", { type: "submit", class: "primary" }, "Create project"), error));
form.elements.type.value = types.includes("categorization") ? "categorization" : types[0];
showLabels();

function showLabels() {
  const spec = LABELS[form.elements.type.value];
  labelsField.hidden = !spec;
  if (spec) document.getElementById("labels-label").textContent = spec[0];
}

function params() {
  const text = form.elements.params.value.trim();
  let extra = {};
  if (text) {
    try { extra = JSON.parse(text); } catch { throw new Error("More params: not valid JSON."); }
    if (typeof extra !== "object" || Array.isArray(extra) || extra === null) throw new Error("More params: give a JSON object.");
  }
  const spec = LABELS[form.elements.type.value];
  const labels = form.elements.labels.value.split("\n").map((l) => l.trim()).filter(Boolean);
  return { ...(spec && labels.length ? spec[1](labels) : {}), ...extra };
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  error.textContent = "";
  try {
    const name = form.elements.name.value.trim();
    await api("POST", "/api/projects", {
      name, type: form.elements.type.value, params: params(),
      instruction: form.elements.instruction.value, policy: readPolicy(form),
    });
    location.assign(`/manage/${encodeURIComponent(name)}`);
  } catch (err) {
    error.textContent = errorText(err);
  }
});
