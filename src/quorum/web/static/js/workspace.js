// The labeling workspace: works through a project's queue with the annotator API, keeping the
// next task claimed and rendered in advance so it appears the moment an answer is accepted.

import { api, ApiError } from "./api.js";
import { h, isTyping, kbd, textDialog } from "./dom.js";
import { taskType } from "./types/index.js";

const root = document.getElementById("workspace");
const project = root.dataset.project;
const kind = taskType(root.dataset.type);
const holder = document.getElementById("task");
const statusLine = document.getElementById("status");
const instructions = document.getElementById("instructions");
const base = `/api/projects/${encodeURIComponent(project)}`;

let current = null; // {claim, view, timer}
let upcoming = null; // Promise of the next prepared task (or null when the queue is empty)
let upcomingClaim = null; // the next task's claim once it has arrived
let submitted = 0;
let busy = false;

// Time on a task counts only while the page is visible.
class Timer {
  constructor() { this.spent = 0; this.since = document.hidden ? null : performance.now(); }
  pause() { if (this.since !== null) { this.spent += performance.now() - this.since; this.since = null; } }
  resume() { if (this.since === null) this.since = performance.now(); }
  seconds() { this.pause(); this.resume(); return Math.round(this.spent / 100) / 10; }
}

async function claimAndPrepare() {
  const claim = await api("POST", `${base}/next`);
  if (!claim) return null;
  const sources = kind.markdownSources ? kind.markdownSources(claim.params) : [];
  if (claim.instruction) sources.push(claim.instruction);
  const rendered = sources.length ? (await api("POST", "/api/markdown", { texts: sources })).html : [];
  const html = new Map(sources.map((s, i) => [s, rendered[i]]));
  kind.preload?.(claim.params);
  return { claim, html };
}

function prefetch() {
  upcomingClaim = null;
  upcoming = claimAndPrepare().then(
    (prepared) => { upcomingClaim = prepared?.claim ?? null; return prepared; },
    (error) => ({ error }));
}

function say(text, cls = "muted") {
  statusLine.className = cls;
  statusLine.textContent = text;
}

function shortcutPanel(view) {
  const rows = [
    ...view.shortcuts,
    ["Enter", "submit (Ctrl+Enter inside a text box)"],
    ["Esc", "leave a text box"],
    ["i", "instructions"],
    ["s", "skip with a reason"],
  ];
  return h("aside", { class: "keys", "aria-label": "Keyboard shortcuts" },
    h("h2", {}, "Keys"),
    h("dl", {}, rows.map(([k, what]) => [h("dt", {}, kbd(k)), h("dd", {}, what)])));
}

function show(prepared) {
  if (!prepared) {
    current = null;
    holder.replaceChildren(h("section", { class: "card done" },
      h("h2", {}, "Nothing left for you here"),
      h("p", {}, `You submitted ${submitted} task${submitted === 1 ? "" : "s"} in this session.`),
      h("p", {}, h("a", { href: "/work" }, "Back to your projects"))));
    say("The queue is empty for you.");
    return;
  }
  if (prepared.error) throw prepared.error;
  const { claim, html } = prepared;
  const ctx = { html: (source) => html.get(source) ?? "", hypothesis: claim.params.hypothesis };
  const view = kind.create(claim.params, ctx);
  const extra = claim.instruction && html.get(claim.instruction);
  if (extra) document.getElementById("instructions-body").innerHTML = extra;
  const actions = h("div", { class: "actions" },
    h("button", { type: "button", class: "primary", id: "submit", onclick: submit }, "Submit (Enter)"),
    h("button", { type: "button", onclick: askSkip }, "Skip… (s)"),
    h("button", { type: "button", onclick: () => instructions.showModal() }, "Instructions (i)"),
    h("p", { id: "task-error", class: "error", role: "alert" }));
  holder.replaceChildren(h("div", { class: "task-grid" },
    h("section", { class: "task-body", "aria-label": "Task" }, view.el, actions), shortcutPanel(view)));
  current = { claim, view, timer: new Timer() };
  view.focus?.();
  say(`${submitted} submitted in this session`);
}

async function advance() {
  const next = await upcoming;
  show(next);
  if (next) prefetch();
}

async function submit() {
  if (!current || busy) return;
  const error = document.getElementById("task-error");
  let response;
  try {
    response = current.view.response();
  } catch (err) {
    error.textContent = err.message;
    return;
  }
  busy = true;
  try {
    await api("POST", `/api/assignments/${current.claim.assignment_id}/submit`,
      { response, time_spent_s: current.timer.seconds() });
    submitted += 1;
    await advance();
  } catch (err) {
    error.textContent = err instanceof ApiError && err.errors.length
      ? err.errors.map((e) => `${e.loc}: ${e.msg}`).join("; ") : err.message;
  } finally {
    busy = false;
  }
}

const openSkip = textDialog({
  id: "skip",
  title: "Skip this task",
  label: "Why? (Enter to skip, Esc to go back)",
  action: "Skip",
  maxlength: 2000,
  suggestions: ["The content is unclear or broken", "I am not sure of the answer",
    "Offensive content", "The instructions do not cover this case"],
}, async (reason) => {
  if (!current) return;
  busy = true;
  try {
    await api("POST", `/api/assignments/${current.claim.assignment_id}/skip`, { reason });
    await advance();
  } catch (err) {
    document.getElementById("task-error").textContent = err.message;
  } finally {
    busy = false;
  }
});

function askSkip() {
  if (current) openSkip();
}

document.addEventListener("keydown", (event) => {
  if (document.querySelector("dialog[open]") || !current) return;
  const typing = isTyping(event.target);
  if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
    event.preventDefault();
    submit();
    return;
  }
  if (current.view.onKey?.(event, typing)) {
    event.preventDefault();
    return;
  }
  if (typing) {
    if (event.key === "Escape") event.target.blur();
    return;
  }
  if (event.altKey || event.ctrlKey || event.metaKey) return;
  const action = { Enter: submit, i: () => instructions.showModal(), s: askSkip }[event.key];
  if (action && !(event.key === "Enter" && event.target instanceof HTMLButtonElement)) {
    event.preventDefault();
    action();
  }
});

document.addEventListener("visibilitychange", () => {
  if (!current) return;
  document.hidden ? current.timer.pause() : current.timer.resume();
});

// Leaving the page gives the claimed tasks back to the queue at once instead of at lease end.
window.addEventListener("pagehide", () => {
  for (const id of [current?.claim.assignment_id, upcomingClaim?.assignment_id].filter(Boolean)) {
    api("POST", `/api/assignments/${id}/release`, undefined, { keepalive: true }).catch(() => {});
  }
});

(async () => {
  try {
    prefetch();
    await advance();
  } catch (err) {
    holder.replaceChildren(h("p", { class: "error", role: "alert" }, err.message));
    say("Could not load a task.", "error");
  }
})();
