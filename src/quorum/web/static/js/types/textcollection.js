// Text collection: the task's form (text, number, yes/no, category fields) beside its
// attachments; Tab moves through the fields, Ctrl+Enter submits. The task starts with the
// focus on the form as a whole, so the page's keys (s, i) work until the annotator Tabs in.

import { oneLine } from "../answers.js";
import { h, markdownBlock } from "../dom.js";
import { attachmentView } from "./attachment.js";

export function markdownSources(params) {
  return (params.attachments || []).filter((a) => a.type === "text").map((a) => a.content);
}

const repeat = (n, make) => Array.from({ length: n }, (_, i) => make(i));

// One control per entry of a field; each returns {el, value() -> entry or undefined, first}.
const CONTROLS = {
  text(field, id, start) {
    const input = h("textarea", { id, rows: 3, value: start ?? "", maxlength: field.max_characters });
    return { el: input, first: input, value: () => (input.value.trim() ? input.value : undefined) };
  },
  number(field, id, start) {
    const input = h("input", {
      type: "number", id, value: start ?? "", min: field.min, max: field.max,
      step: field.integer ? 1 : "any",
    });
    return { el: input, first: input, value: () => (input.value === "" ? undefined : Number(input.value)) };
  },
  boolean(field, id, start) {
    const options = [["yes", true], ["no", false]].map(([label, v]) =>
      h("input", { type: "radio", name: id, id: `${id}-${label}`, value: label, checked: start === v }));
    const el = h("div", { class: "inline", role: "radiogroup", "aria-labelledby": `${id}-title` },
      options.map((o) => h("span", {}, o, h("label", { for: o.id }, o.value === "yes" ? "Yes" : "No"))));
    return { el, first: options[0], value: () => {
      const picked = options.find((o) => o.checked);
      return picked ? picked.value === "yes" : undefined;
    } };
  },
  category(field, id, start) {
    const single = (field.max_choice ?? 1) === 1;
    const boxes = field.choices.map((c, i) => h("input", {
      type: single ? "radio" : "checkbox", name: id, id: `${id}-${i}`, value: c.value,
      checked: (start || []).includes(c.value),
    }));
    const el = h("div", { class: "inline wrap", role: "group", "aria-labelledby": `${id}-title` },
      boxes.map((b, i) => h("span", {}, b, h("label", { for: b.id }, field.choices[i].label))));
    return { el, first: boxes[0], value: () => {
      const picked = boxes.filter((b) => b.checked).map((b) => b.value);
      return picked.length ? picked : undefined;
    } };
  },
};

export function summary(response) {
  return oneLine(Object.entries(response.annotations).map(([field, v]) => `${field}: ${JSON.stringify(v.response)}`));
}

export function create(params, ctx) {
  const prior = ctx.hypothesis?.annotations || {};
  const fields = params.fields.map((field) => {
    const count = Math.max(field.min_responses_required ?? 1, prior[field.field_id]?.response?.length ?? 0);
    const controls = repeat(Math.min(count, field.max_responses_required ?? 1), (i) =>
      CONTROLS[field.type](field, `f-${field.field_id}-${i}`, prior[field.field_id]?.response?.[i]));
    const optional = field.required === false && !/optional/i.test(field.title);
    const title = `${field.title}${optional ? " (optional)" : ""}`;
    const titleEl = field.type === "text" || field.type === "number"
      ? h("label", { for: `f-${field.field_id}-0`, id: `f-${field.field_id}-0-title` }, title)
      : h("span", { class: "label", id: `f-${field.field_id}-0-title` }, title);
    controls.forEach((c, i) => { if (i) c.el.setAttribute("aria-label", `${field.title}, answer ${i + 1}`); });
    return {
      field, controls,
      el: h("div", { class: "field" }, titleEl,
        field.description ? h("p", { class: "muted" }, field.description) : null,
        controls.map((c) => c.el)),
    };
  });
  const attachments = (params.attachments || []).map((a) =>
    h("div", { class: "attachment" }, attachmentView(a.type, a.content, a.type === "text" ? markdownBlock(ctx.html(a.content)) : null)));
  const el = h("div", { class: "textcollection", tabindex: -1 },
    params.title ? h("h2", {}, params.title) : null,
    params.description ? h("p", {}, params.description) : null,
    h("div", { class: "split" },
      attachments.length ? h("div", { class: "attachments" }, attachments) : null,
      h("form", { class: "form stack", onsubmit: (e) => e.preventDefault() }, fields.map((f) => f.el))));

  return {
    el,
    shortcuts: [["Tab", "into the form, next field"], ["Space", "tick a choice"]],
    focus: () => el.focus(),
    response() {
      const annotations = {};
      for (const { field, controls } of fields) {
        const values = controls.map((c) => c.value()).filter((v) => v !== undefined);
        if (!values.length) {
          if (field.required === false) continue;
          controls[0].first.focus();
          throw new Error(`Answer “${field.title}”.`);
        }
        annotations[field.field_id] = { type: field.type, field_id: field.field_id, response: values };
      }
      return { annotations };
    },
  };
}
