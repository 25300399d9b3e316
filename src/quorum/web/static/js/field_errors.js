// Errors in plain words next to the field they concern. A 400 names each refused field by its
// `loc` ("params.categories", "policy.<field>", "labels.2"); `fieldErrors(fields, general)`
// takes [loc, input] pairs (or a function giving them, read at each error), puts each message under its input (named by the input's
// aria-describedby, the input marked aria-invalid) and clears it as soon as the input is
// edited. An error that belongs to no field, or one without fields, goes to `general`.

import { h } from "./dom.js";

// "2" -> "item 3": list positions are 0-based on the wire, counted from 1 for people.
const where = (sub) => sub.split(".").map((p) => (/^\d+$/.test(p) ? `item ${Number(p) + 1}` : p)).join(", ");

export function fieldErrors(fields, general) {
  const notes = new Map();

  function clearOne(input) {
    const note = notes.get(input);
    if (!note) return;
    notes.delete(input);
    note.remove();
    input.removeAttribute("aria-invalid");
    const rest = (input.getAttribute("aria-describedby") || "").split(" ").filter((id) => id && id !== note.id);
    if (rest.length) input.setAttribute("aria-describedby", rest.join(" "));
    else input.removeAttribute("aria-describedby");
  }

  function place(input, text) {
    const known = notes.get(input);
    if (known) { known.textContent += `; ${text}`; return; }
    const note = h("small", { id: `${input.id}-error`, class: "field-error" }, text);
    input.after(note);
    notes.set(input, note);
    input.setAttribute("aria-invalid", "true");
    input.setAttribute("aria-describedby",
      [note.id, input.getAttribute("aria-describedby")].filter(Boolean).join(" "));
    const fixed = () => { clearOne(input); input.removeEventListener("input", fixed); input.removeEventListener("change", fixed); };
    input.addEventListener("input", fixed);
    input.addEventListener("change", fixed);
  }

  function clear() {
    [...notes.keys()].forEach(clearOne);
    general.textContent = "";
  }

  // Shows `err` (an ApiError or any Error); returns nothing.
  function show(err) {
    clear();
    const errors = err.errors || [];
    const unplaced = [];
    const pairs = typeof fields === "function" ? fields() : fields;
    const byLength = [...pairs].sort((a, b) => b[0].length - a[0].length); // most specific first
    for (const e of errors) {
      const hit = byLength.find(([loc]) => e.loc === loc || e.loc.startsWith(`${loc}.`));
      if (!hit) { unplaced.push(e); continue; }
      const sub = e.loc.slice(hit[0].length + 1);
      place(hit[1], sub ? `${where(sub)}: ${e.msg}` : e.msg);
    }
    if (!errors.length) general.textContent = err.message;
    else if (unplaced.length) general.textContent = unplaced.map((e) => `${e.loc}: ${e.msg}`).join("; ");
    else general.textContent = "Not saved: see the marked fields.";
    notes.keys().next().value?.focus();
  }

  return { show, clear };
}
