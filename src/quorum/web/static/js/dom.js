// Building elements without HTML strings: text always goes in as text.

export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "value") continue; // set after the children (a select needs its options)
    if (key.startsWith("on")) el.addEventListener(key.slice(2), value);
    else if (key === "class") el.className = value;
    else if (key in el && typeof value !== "string") el[key] = value;
    else el.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  if (attrs.value !== undefined && attrs.value !== null) el.value = attrs.value;
  return el;
}

// Markdown rendered by the server (raw HTML escaped there) into a container.
export function markdownBlock(html, cls = "markdown") {
  const el = h("div", { class: cls });
  el.innerHTML = html;
  return el;
}

export function kbd(keys) {
  return keys.split(" ").map((k, i) => [i ? " " : "", h("kbd", {}, k)]);
}

export const isTyping = (el) =>
  el instanceof HTMLTextAreaElement ||
  el instanceof HTMLSelectElement ||
  (el instanceof HTMLInputElement && !["checkbox", "radio", "button", "submit"].includes(el.type)) ||
  el?.isContentEditable;

// A modal asking for one line of text (a skip reason, a reject comment); Enter confirms, Esc
// goes back. Returns the function that opens it empty; `onConfirm` gets the trimmed text.
export function textDialog({ id, title, note, label, action, maxlength, suggestions = [] }, onConfirm) {
  const input = h("input", {
    id: `${id}-text`, list: suggestions.length ? `${id}-options` : null, required: true, maxlength,
  });
  const dialog = h("dialog", { id, "aria-labelledby": `${id}-title` },
    h("form", { method: "dialog", class: "stack" },
      h("h2", { id: `${id}-title` }, title),
      note ? h("p", { class: "muted" }, note) : null,
      h("label", { for: input.id }, label),
      input,
      suggestions.length
        ? h("datalist", { id: `${id}-options` }, suggestions.map((s) => h("option", { value: s })))
        : null,
      h("div", { class: "actions" },
        h("button", { class: "primary", value: "confirm" }, action),
        h("button", { value: "cancel", formnovalidate: true }, "Cancel"))));
  dialog.addEventListener("close", () => {
    const text = input.value.trim();
    if (dialog.returnValue === "confirm" && text) onConfirm(text);
  });
  document.body.append(dialog);
  return () => {
    input.value = "";
    dialog.showModal();
  };
}

// A modal asking to confirm one consequential action (remove a member, deactivate a user).
// Returns `ask(message)`, a promise of true when confirmed; Esc or Cancel gives false.
export function confirmDialog({ id, title, action, danger = false }) {
  const message = h("p", { id: `${id}-message` });
  const dialog = h("dialog", { id, "aria-labelledby": `${id}-title`, "aria-describedby": message.id },
    h("form", { method: "dialog", class: "stack" },
      h("h2", { id: `${id}-title` }, title),
      message,
      h("div", { class: "actions" },
        h("button", { class: danger ? "danger" : "primary", value: "confirm" }, action),
        h("button", { value: "cancel", autofocus: true }, "Cancel"))));
  document.body.append(dialog);
  return (text) => new Promise((resolve) => {
    message.textContent = text;
    dialog.returnValue = "";
    dialog.addEventListener("close", () => resolve(dialog.returnValue === "confirm"), { once: true });
    dialog.showModal();
  });
}
