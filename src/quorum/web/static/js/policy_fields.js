// The quality-policy inputs shared by the new-project form and a project's settings.

import { h } from "./dom.js";

const FIELDS = [
  ["min_overlap", "Answers per task, at least", 1, { min: 1, max: 100, step: 1 }],
  ["max_overlap", "Answers per task, at most", 3, { min: 1, max: 100, step: 1 }],
  ["confidence_target", "Confidence needed to complete", 0.9, { min: 0.01, max: 1, step: 0.01 }],
  ["gold_rate", "Share of served tasks that are gold", 0, { min: 0, max: 1, step: 0.01 }],
  ["review_rate", "Share of completed tasks reviewed", 0, { min: 0, max: 1, step: 0.01 }],
  ["pay_per_task", "Pay per answer", 0, { min: 0, step: 0.01 }],
];

export function policyFields(policy = {}) {
  return h("fieldset", { class: "policy" }, h("legend", {}, "Quality policy"),
    FIELDS.map(([key, label, fallback, limits]) => h("div", { class: "field" },
      h("label", { for: `policy-${key}` }, label),
      h("input", { id: `policy-${key}`, name: key, type: "number", required: true, ...limits,
        value: String(policy[key] ?? fallback) }))));
}

export function readPolicy(form) {
  return Object.fromEntries(FIELDS.map(([key]) => [key, Number(form.elements[key].value)]));
}
