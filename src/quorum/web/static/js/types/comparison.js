// Comparison: the prompt and the candidates side by side; number keys pick (or, in ranking
// mode, append to the ranking best first), ratings per candidate, a justification.

import { h, markdownBlock } from "../dom.js";

const promptText = (prompt) => (typeof prompt === "string" ? [prompt] : prompt.map((m) => m.content));

export function markdownSources(params) {
  return [...promptText(params.prompt), ...params.candidates.map((c) => c.content)];
}

function promptView(prompt, ctx) {
  if (typeof prompt === "string") return markdownBlock(ctx.html(prompt));
  return h("ol", { class: "chat" }, prompt.map((m) => h("li", { class: `chat-${m.role}` },
    h("span", { class: "role" }, m.role), markdownBlock(ctx.html(m.content)))));
}

export function summary(response) {
  return "ranking" in response ? `ranking ${response.ranking.join(" > ")}` : `prefers ${response.choice}`;
}

// The widest scale drawn as one button per value; a wider one is a number box.
const MOST_STEPS = 11;

// A rating of dimension `d` from `start`: a row of radio buttons (arrows move along it, a click
// picks), so that no key typed elsewhere lands in it; {el, value() -> number | null, first}.
function scale(id, d, start) {
  const [min, max] = [d.min ?? 1, d.max ?? 7];
  const title = h("span", { class: "label", id: `${id}-title`, title: d.description || null }, `${d.name} (${min}–${max})`);
  if (max - min + 1 > MOST_STEPS) {
    const input = h("input", { type: "number", min, max, step: 1, id, value: start ?? "", "aria-labelledby": title.id });
    const value = () => {
      const v = Number(input.value);
      return input.value !== "" && Number.isInteger(v) && v >= min && v <= max ? v : null;
    };
    return { el: h("div", { class: "rating" }, title, input), value, first: input };
  }
  const radios = Array.from({ length: max - min + 1 }, (_, k) => h("input", {
    type: "radio", name: id, id: `${id}-${min + k}`, value: String(min + k), checked: start === min + k,
  }));
  const el = h("div", { class: "rating" }, title,
    h("div", { class: "scale", role: "radiogroup", "aria-labelledby": title.id },
      radios.map((r) => h("span", {}, r, h("label", { for: r.id }, r.value)))));
  const value = () => {
    const picked = radios.find((r) => r.checked);
    return picked ? Number(picked.value) : null;
  };
  return { el, value, first: radios.find((r) => r.checked) || radios[0] };
}

export function create(params, ctx) {
  const ranking = params.mode === "ranking";
  const ids = params.candidates.map((c) => c.id);
  const dims = params.rating_dimensions || [];
  const hyp = ctx.hypothesis || {};
  let choice = ids.includes(hyp.choice) || (params.allow_tie && hyp.choice === "tie") ? hyp.choice : null;
  let order = Array.isArray(hyp.ranking) ? hyp.ranking.filter((id) => ids.includes(id)) : [];
  const ratings = {}; // candidate id -> dimension name -> {value() -> number | null, first}

  const cards = params.candidates.map((c, i) => {
    ratings[c.id] = {};
    const controls = dims.map((d) => {
      const control = scale(`rate-${i}-${d.name}`, d, hyp.ratings?.[c.id]?.[d.name]);
      ratings[c.id][d.name] = control;
      return control.el;
    });
    return h("article", { class: "candidate", "data-id": c.id, "aria-label": `Response ${i + 1}` },
      h("h3", {}, h("kbd", {}, String(i + 1)), ` Response ${i + 1}`, h("span", { class: "mark" })),
      markdownBlock(ctx.html(c.content)),
      controls.length ? h("div", { class: "ratings" }, controls) : null);
  });
  const candidatesEl = h("div", { class: "candidates", tabindex: -1 }, cards);
  candidatesEl.style.setProperty("--n", Math.min(ids.length, 4)); // CSSOM: allowed by the CSP
  const summary = h("p", { class: "pick", role: "status", "aria-live": "polite" });
  const justification = h("textarea", { id: "justification", rows: 3, value: hyp.justification || "" });
  const el = h("div", { class: "comparison" },
    h("section", { class: "prompt", "aria-label": "Prompt" }, h("h2", {}, "Prompt"), promptView(params.prompt, ctx)),
    candidatesEl,
    summary,
    h("label", { for: "justification" },
      params.require_justification ? "Justification (required)" : "Justification (optional)"),
    justification);

  function paint() {
    cards.forEach((card, i) => {
      const id = ids[i];
      const rank = order.indexOf(id);
      const picked = ranking ? rank >= 0 : choice === id;
      card.classList.toggle("picked", picked);
      card.querySelector(".mark").textContent = ranking ? (rank >= 0 ? ` — rank ${rank + 1}` : "")
        : (picked ? " — preferred" : "");
    });
    const name = (id) => `Response ${ids.indexOf(id) + 1}`;
    summary.textContent = ranking
      ? (order.length ? `Ranking: ${order.map(name).join(" > ")}` : "Press the numbers from best to worst.")
      : (choice === "tie" ? "Preference: a tie" : choice ? `Preference: ${name(choice)}` : "No preference chosen yet.");
  }
  paint();

  const shortcuts = ranking
    ? [["1–9", "next in the ranking, best first"], ["Backspace", "undo the last rank"]]
    : [["1–9", "prefer that response"]];
  if (params.allow_tie) shortcuts.push(["t", "a tie"]);
  if (dims.length) shortcuts.push(["Tab ← →", "move to a rating, choose its value"]);

  return {
    el,
    shortcuts,
    // The candidates, so that the number keys choose at once; Tab walks the ratings from there.
    focus: () => candidatesEl.focus(),
    onKey(event, typing) {
      if (typing || event.altKey || event.ctrlKey || event.metaKey) return false;
      const n = /^[1-9]$/.test(event.key) ? Number(event.key) - 1 : -1;
      if (n >= 0 && n < ids.length) {
        if (ranking) { if (!order.includes(ids[n])) order.push(ids[n]); }
        else choice = ids[n];
      } else if (event.key === "t" && params.allow_tie) choice = "tie";
      else if (event.key === "Backspace" && ranking) order.pop();
      else return false;
      paint();
      return true;
    },
    response() {
      const response = {};
      if (ranking) {
        if (order.length !== ids.length) throw new Error("Rank every response (press their numbers, best first).");
        response.ranking = [...order];
      } else {
        if (!choice) throw new Error("Choose the better response (press its number).");
        response.choice = choice;
      }
      if (dims.length) {
        response.ratings = {};
        for (const id of ids) {
          response.ratings[id] = {};
          for (const d of dims) {
            const control = ratings[id][d.name];
            const value = control.value();
            if (value === null) {
              control.first.focus();
              throw new Error(`Rate ${d.name} of Response ${ids.indexOf(id) + 1} from ${d.min ?? 1} to ${d.max ?? 7}.`);
            }
            response.ratings[id][d.name] = value;
          }
        }
      }
      const text = justification.value.trim();
      if (params.require_justification && !text) {
        justification.focus();
        throw new Error("Explain your preference in the justification.");
      }
      if (text) response.justification = text;
      return response;
    },
  };
}
