// The quality-policy inputs shared by the new-project form and a project's settings. They are
// drawn from the model's JSON schema, which the page carries in `data-policy-schema`
// (services/projects/policy.py): each field's title labels it, its description explains it,
// and its type, limits and default make the input.

import { h } from "./dom.js";

// Read when first drawn, not at import: the schema is in the page only where a form is.
let schemaFields;
const fields = () => (schemaFields ??= Object.entries(
  JSON.parse(document.querySelector("[data-policy-schema]").dataset.policySchema).properties));

// How each JSON-schema type is edited and read back.
const KINDS = {
  integer: { attrs: { type: "number", step: 1, required: true }, read: (el) => Number(el.value) },
  number: { attrs: { type: "number", step: "any", required: true }, read: (el) => Number(el.value) },
  boolean: { attrs: { type: "checkbox" }, read: (el) => el.checked },
};

function input(key, field, value) {
  const attrs = { id: `policy-${key}`, name: key, "aria-describedby": `policy-${key}-help`,
    ...KINDS[field.type].attrs };
  if (field.type === "boolean") return h("input", { ...attrs, checked: Boolean(value) });
  return h("input", { ...attrs, min: field.minimum ?? field.exclusiveMinimum,
    max: field.maximum ?? field.exclusiveMaximum, value: String(value) });
}

export function policyFields(policy = {}) {
  return h("fieldset", { class: "policy" }, h("legend", {}, "Quality policy"),
    fields().map(([key, field]) => h("div", { class: "field" },
      h("label", { for: `policy-${key}` }, field.title),
      input(key, field, policy[key] ?? field.default),
      h("small", { id: `policy-${key}-help`, class: "muted help" }, field.description))));
}

export function readPolicy(form) {
  return Object.fromEntries(fields().map(([key, field]) => [key, KINDS[field.type].read(form.elements[key])]));
}

// [loc, input] for field_errors.js: the server names a policy field `policy.<key>`.
export const policyErrorFields = (form) =>
  [...form.querySelectorAll("fieldset.policy input")].map((el) => [`policy.${el.name}`, el]);
