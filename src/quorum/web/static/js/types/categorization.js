// Categorization: number keys choose categories (toggle when several may be chosen).

import { h } from "../dom.js";
import { attachmentView, preloadImage } from "./attachment.js";

export function preload(params) {
  if (params.attachment_type === "image") preloadImage(params.attachment);
}

export function summary(response) {
  return [response.category].flat().join(", ");
}

export function create(params, ctx) {
  const multiple = Boolean(params.allow_multiple);
  const categories = params.categories;
  const start = ctx.hypothesis?.category;
  const chosen = new Set([start].flat().filter((c) => categories.includes(c)));
  const inputs = categories.map((category, i) => h("input", {
    type: multiple ? "checkbox" : "radio", name: "category", id: `cat-${i}`, value: category,
    checked: chosen.has(category),
    onchange: (e) => {
      if (!multiple) chosen.clear();
      e.target.checked ? chosen.add(category) : chosen.delete(category);
    },
  }));
  const legend = multiple ? "Categories (choose all that apply)" : "Category (choose one)";
  const el = h("div", { class: "categorization" },
    h("div", { class: "attachment" }, attachmentView(params.attachment_type, params.attachment)),
    h("fieldset", { class: "choices" }, h("legend", {}, legend),
      categories.map((category, i) => h("div", { class: "choice" }, inputs[i],
        h("label", { for: `cat-${i}` }, i < 9 ? h("kbd", {}, String(i + 1)) : null, " ", category)))));

  function pick(i) {
    const input = inputs[i];
    if (!input) return false;
    input.checked = multiple ? !input.checked : true;
    input.dispatchEvent(new Event("change"));
    input.focus();
    return true;
  }

  return {
    el,
    shortcuts: [[multiple ? "1–9" : "1–9", multiple ? "toggle a category" : "choose a category"]],
    focus: () => (inputs.find((i) => i.checked) || inputs[0]).focus(),
    onKey(event, typing) {
      if (typing || event.altKey || event.ctrlKey || event.metaKey) return false;
      return /^[1-9]$/.test(event.key) && pick(Number(event.key) - 1);
    },
    response() {
      const picked = categories.filter((c) => chosen.has(c));
      if (!picked.length) throw new Error("Choose a category first.");
      return { category: multiple ? picked : picked[0] };
    },
  };
}
