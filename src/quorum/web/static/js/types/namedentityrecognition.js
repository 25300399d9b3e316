// Named entities: select words with the mouse or with Shift+arrows, press a label's number.
// Offsets are Unicode code points (as the server counts them), never UTF-16 units.

import { oneLine } from "../answers.js";
import { h } from "../dom.js";

const WORD = /[\p{L}\p{N}\p{M}]/u;

// Words and single punctuation marks, with code-point offsets; spaces are not tokens.
function tokenize(chars) {
  const tokens = [];
  for (let i = 0; i < chars.length;) {
    if (/\s/u.test(chars[i])) { i += 1; continue; }
    let j = i + 1;
    if (WORD.test(chars[i])) while (j < chars.length && WORD.test(chars[j])) j += 1;
    tokens.push({ start: i, end: j });
    i = j;
  }
  return tokens;
}

export function summary(response, params) {
  const chars = Array.from(params.text);
  return oneLine(response.annotations.map((a) => `${a.label} “${chars.slice(a.start, a.end).join("")}”`));
}

export function create(params, ctx) {
  const chars = Array.from(params.text);
  const tokens = tokenize(chars);
  const labels = params.labels.map((l) => l.name);
  const spanText = (s, e) => chars.slice(s, e).join("");
  let spans = (ctx.hypothesis?.annotations || [])
    .filter((a) => labels.includes(a.label) && a.end <= chars.length && a.start < a.end)
    .map((a) => ({ start: a.start, end: a.end, label: a.label }));
  let cursor = 0;
  let anchor = 0;

  const tokenEls = [];
  const textEl = h("div", {
    class: "ner-text", tabindex: 0, role: "group",
    "aria-label": "Text. Arrows move, Shift+arrows select, a number key labels the selection.",
  });
  let at = 0;
  tokens.forEach((t, i) => {
    if (t.start > at) textEl.append(spanText(at, t.start));
    const el = h("span", { class: "tok", "data-i": i }, spanText(t.start, t.end));
    tokenEls.push(el);
    textEl.append(el);
    at = t.end;
  });
  if (at < chars.length) textEl.append(spanText(at, chars.length));

  const list = h("ul", { class: "spans", "aria-label": "Marked entities" });
  const live = h("p", { class: "sr-only", role: "status", "aria-live": "polite" });
  const legend = h("ol", { class: "legend" }, params.labels.map((l, i) => h("li", { class: `lab lab-${i % 9}` },
    i < 9 ? h("kbd", {}, String(i + 1)) : null, ` ${l.name}`, l.description ? h("span", { class: "muted" }, ` — ${l.description}`) : null)));
  const el = h("div", { class: "ner" }, legend, textEl, live, h("h2", {}, "Entities"), list);

  const range = () => [Math.min(anchor, cursor), Math.max(anchor, cursor)];

  function paint() {
    const [a, b] = range();
    tokenEls.forEach((tokEl, i) => {
      const t = tokens[i];
      const covering = spans.filter((s) => s.start < t.end && s.end > t.start);
      tokEl.className = "tok";
      if (covering.length) tokEl.classList.add("ent", `lab-${labels.indexOf(covering.at(-1).label) % 9}`);
      if (covering.length > 1) tokEl.classList.add("overlap");
      if (i >= a && i <= b) tokEl.classList.add("sel");
      if (i === cursor) tokEl.classList.add("cursor");
      tokEl.title = covering.map((s) => s.label).join(", ");
    });
    list.replaceChildren(...spans.map((s, k) => h("li", {},
      h("span", { class: `lab lab-${labels.indexOf(s.label) % 9}` }, s.label), ` “${spanText(s.start, s.end)}” `,
      h("button", { type: "button", class: "link", onclick: () => remove(k),
        "aria-label": `Remove ${s.label} ${spanText(s.start, s.end)}` }, "Remove"))));
    if (!spans.length) list.append(h("li", { class: "muted" }, "None yet."));
  }

  function label(n) {
    if (n >= labels.length || !tokens.length) return false;
    const [a, b] = range();
    const span = { start: tokens[a].start, end: tokens[b].end, label: labels[n] };
    if (!spans.some((s) => s.start === span.start && s.end === span.end && s.label === span.label)) {
      spans.push(span);
      spans.sort((x, y) => x.start - y.start || y.end - x.end);
    }
    live.textContent = `Marked “${spanText(span.start, span.end)}” as ${span.label}.`;
    anchor = cursor;
    paint();
    return true;
  }

  function remove(k) {
    const [gone] = spans.splice(k, 1);
    live.textContent = `Removed ${gone.label} “${spanText(gone.start, gone.end)}”.`;
    paint();
    textEl.focus();
  }

  // A mouse selection snaps to the words it touches.
  textEl.addEventListener("mouseup", () => {
    const sel = window.getSelection();
    const tokenOf = (node) => (node?.nodeType === 3 ? node.parentElement : node)?.closest?.(".tok");
    const first = tokenOf(sel.anchorNode);
    const last = tokenOf(sel.focusNode);
    if (!first || !last) return;
    anchor = Number(first.dataset.i);
    cursor = Number(last.dataset.i);
    sel.removeAllRanges();
    paint();
  });

  paint();
  const moves = { ArrowRight: 1, ArrowLeft: -1, End: Infinity, Home: -Infinity };

  return {
    el,
    shortcuts: [["← →", "move between words"], ["Shift+← →", "select words"],
      ["1–9", "label the selection"], ["Delete", "remove the last entity at the cursor"]],
    focus: () => textEl.focus(),
    onKey(event, typing) {
      if (typing || event.altKey || event.ctrlKey || event.metaKey) return false;
      if (event.key in moves && tokens.length) {
        cursor = Math.max(0, Math.min(tokens.length - 1, cursor + moves[event.key]));
        if (!event.shiftKey) anchor = cursor;
        paint();
        tokenEls[cursor].scrollIntoView({ block: "nearest" });
        return true;
      }
      if (/^[1-9]$/.test(event.key)) return label(Number(event.key) - 1);
      if (event.key === "Delete" || event.key === "Backspace") {
        const t = tokens[cursor];
        const k = spans.findLastIndex((s) => t && s.start < t.end && s.end > t.start);
        if (k < 0) return false;
        remove(k);
        return true;
      }
      return false;
    },
    response() {
      return { annotations: spans.map((s) => ({ ...s, text: spanText(s.start, s.end) })) };
    },
  };
}
