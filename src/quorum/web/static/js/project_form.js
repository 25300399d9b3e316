// Creating a project: task type, labels (for the types that declare a label set), any other
// params as JSON, instructions, quality policy. A refused field shows its error next to it.

import { api } from "./api.js";
import { h } from "./dom.js";
import { fieldErrors } from "./field_errors.js";
import { policyErrorFields, policyFields, readPolicy } from "./policy_fields.js";

const form = document.getElementById("new-project");
const types = form.dataset.types.split(",");
// type -> {field, title}: where the type keeps its labels (its LabelSet, quorum.tasktypes).
const LABELED = JSON.parse(form.dataset.labels);

const labelsInput = h("textarea", { id: "labels", name: "labels", rows: 5, "aria-describedby": "labels-help" });
const labelsField = h("div", { class: "field" },
  h("label", { for: "labels", id: "labels-label" }, "Labels"),
  labelsInput,
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
const errors = fieldErrors(errorFields, error);

// The server names fields as the API does; each maps onto the input that holds it.
function errorFields() {
  const labeled = LABELED[form.elements.type.value];
  return [
    ["name", form.elements.name], ["type", form.elements.type],
    ["params", form.elements.params], ["instruction", form.elements.instruction],
    ...(labeled ? [[`params.${labeled.field}`, labelsInput], ["labels", labelsInput]] : []),
    ...policyErrorFields(form),
  ];
}

function showLabels() {
  const labeled = LABELED[form.elements.type.value];
  labelsField.hidden = !labeled;
  labelsInput.disabled = !labeled;
  if (labeled) document.getElementById("labels-label").textContent = labeled.title;
}

class FieldProblem extends Error {
  constructor(loc, msg) { super(msg); this.errors = [{ loc, msg }]; }
}

function params() {
  const text = form.elements.params.value.trim();
  if (!text) return {};
  let extra;
  try { extra = JSON.parse(text); } catch { throw new FieldProblem("params", "not valid JSON"); }
  if (typeof extra !== "object" || Array.isArray(extra) || extra === null) throw new FieldProblem("params", "give a JSON object");
  return extra;
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  errors.clear();
  try {
    const name = form.elements.name.value.trim();
    const type = form.elements.type.value;
    const labels = labelsInput.value.split("\n").map((l) => l.trim()).filter(Boolean);
    const extra = params();
    const body = { name, type, params: extra, instruction: form.elements.instruction.value, policy: readPolicy(form) };
    if (LABELED[type] && !(LABELED[type].field in extra)) body.labels = labels;
    await api("POST", "/api/projects", body);
    location.assign(`/manage/${encodeURIComponent(name)}`);
  } catch (err) {
    errors.show(err);
  }
});
