// Named entities: select words with the mouse or with Shift+arrows, press a label's number.
// Offsets are Unicode code points (as the server counts them), never UTF-16 units. An answer
// without entities is a deliberate "No entities" tick, and the same words under two labels are
// flagged until one goes or both are kept on purpose, so a stray key sends neither.

import { oneLine } from "../answers.js";
import { h } from "../dom.js";
import { HISTORY_SHORTCUTS, History, historyKey } from "../history.js";

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
  let kept = []; // keys of duplicate spans kept on purpose
  const history = new History();
  const state = () => ({ spans, kept, none: noneBox.checked });
  const remember = () => history.record(state());

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
  const noneBox = h("input", { type: "checkbox", id: "no-entities", onchange: () => {
    const on = noneBox.checked;
    noneBox.checked = !on; // as it was, for the history
    setNone(on);
  } });
  const legend = h("ol", { class: "legend" }, params.labels.map((l, i) => h("li", { class: `lab lab-${i % 9}` },
    i < 9 ? h("kbd", {}, String(i + 1)) : null, ` ${l.name}`, l.description ? h("span", { class: "muted" }, ` — ${l.description}`) : null)));
  const el = h("div", { class: "ner" }, legend, textEl, live, h("h2", {}, "Entities"), list,
    h("p", { class: "choice none-choice" }, noneBox, h("label", { for: noneBox.id }, h("kbd", {}, "n"), " No entities in this text")));

  const range = () => [Math.min(anchor, cursor), Math.max(anchor, cursor)];
  const offsets = (s) => `${s.start}:${s.end}`;
  // The offsets marked under more than one label and not kept on purpose.
  const clashes = () => {
    const seen = new Map();
    for (const s of spans) seen.set(offsets(s), (seen.get(offsets(s)) ?? 0) + 1);
    return new Set([...seen].filter(([key, n]) => n > 1 && !kept.includes(key)).map(([key]) => key));
  };

  function setNone(on) {
    remember();
    noneBox.checked = on;
    live.textContent = on ? "No entities ticked." : "No entities unticked.";
  }

  function keep(key) {
    remember();
    kept = [...kept, key];
    live.textContent = "Both labels kept.";
    paint();
  }

  function paint() {
    const [a, b] = range();
    const clash = clashes();
    tokenEls.forEach((tokEl, i) => {
      const t = tokens[i];
      const covering = spans.filter((s) => s.start < t.end && s.end > t.start);
      tokEl.className = "tok";
      if (covering.length) tokEl.classList.add("ent", `lab-${labels.indexOf(covering.at(-1).label) % 9}`);
      if (covering.length > 1) tokEl.classList.add("overlap");
      if (covering.some((s) => clash.has(offsets(s)))) tokEl.classList.add("duplicate");
      if (i >= a && i <= b) tokEl.classList.add("sel");
      if (i === cursor) tokEl.classList.add("cursor");
      tokEl.title = covering.map((s) => s.label).join(", ");
    });
    list.replaceChildren(...spans.map((s, k) => {
      const twice = clash.has(offsets(s));
      const first = twice && spans.findIndex((o) => offsets(o) === offsets(s)) === k;
      return h("li", { class: twice ? "duplicate" : null },
        h("span", { class: `lab lab-${labels.indexOf(s.label) % 9}` }, s.label), ` “${spanText(s.start, s.end)}” `,
        h("button", { type: "button", class: "link", onclick: () => remove(k),
          "aria-label": `Remove ${s.label} ${spanText(s.start, s.end)}` }, "Remove"),
        twice ? h("strong", { class: "flag" }, " ⚠ Same words under another label") : null,
        first ? " " : null,
        first ? h("button", { type: "button", class: "link", onclick: () => keep(offsets(s)) }, "Keep both") : null);
    }));
    if (!spans.length) list.append(h("li", { class: "muted" }, "None yet."));
  }

  function label(n) {
    if (n >= labels.length || !tokens.length) return false;
    const [a, b] = range();
    const span = { start: tokens[a].start, end: tokens[b].end, label: labels[n] };
    if (!spans.some((s) => offsets(s) === offsets(span) && s.label === span.label)) {
      remember();
      spans = [...spans, span].sort((x, y) => x.start - y.start || y.end - x.end);
      noneBox.checked = false;
    }
    live.textContent = `Marked “${spanText(span.start, span.end)}” as ${span.label}.`
      + (clashes().has(offsets(span)) ? " The same words have another label: remove one or keep both." : "");
    anchor = cursor;
    paint();
    return true;
  }

  function remove(k) {
    remember();
    const gone = spans[k];
    spans = spans.filter((_, i) => i !== k);
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

  // Undo ("undo") or redo ("redo") the last change to the entities or the "No entities" tick.
  function travel(way) {
    const back = history[way](state());
    if (!back) return;
    ({ spans, kept } = back);
    noneBox.checked = back.none;
    live.textContent = way === "undo" ? "Undone." : "Redone.";
    paint();
  }

  paint();
  const moves = { ArrowRight: 1, ArrowLeft: -1, End: Infinity, Home: -Infinity };

  return {
    el,
    shortcuts: [["← →", "move between words"], ["Shift+← →", "select words"],
      ["1–9", "label the selection"], ["Delete", "remove the last entity at the cursor"],
      ["n", "no entities in this text"], ...HISTORY_SHORTCUTS],
    focus: () => textEl.focus(),
    onKey(event, typing) {
      const way = historyKey(event, typing);
      if (way) { travel(way); return true; }
      if (typing || event.altKey || event.ctrlKey || event.metaKey) return false;
      if (event.key === "n") { setNone(!noneBox.checked); return true; }
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
      if (!spans.length && !noneBox.checked) {
        throw new Error("Mark the entities, or tick “No entities” (n) if the text has none.");
      }
      if (spans.length && noneBox.checked) {
        throw new Error("“No entities” is ticked but entities are marked: untick it (n) or remove them.");
      }
      if (clashes().size) {
        throw new Error("Some words are marked under two labels: remove one, or choose “Keep both”.");
      }
      return { annotations: spans.map((s) => ({ ...s, text: spanText(s.start, s.end) })) };
    },
  };
}
