// The labeling workspace: works through a project's queue with the annotator API, keeping the
// next task claimed and rendered in advance so it appears the moment an answer is accepted.
// `[` goes back to the previous answer to correct it; the current task stays claimed meanwhile
// (its lease runs as before: nothing is released) and comes back as it was left.

import { api } from "./api.js";
import { h, textDialog } from "./dom.js";
import {
  bindKeys, doneCard, oneAtATime, renderMarkdown, say, showInstructions, start, taskActions, taskGrid,
} from "./task_page.js";

const root = document.getElementById("workspace");
const holder = document.getElementById("task");
const base = `/api/projects/${encodeURIComponent(root.dataset.project)}`;
const run = oneAtATime();

let kind = null; // the task type's module, once loaded
let current = null; // {claim, view, timer}
let correcting = null; // {previous, view, timer, left: the current task's page, instructions}
let upcoming = null; // Promise of the next prepared task (or null when the queue is empty)
let upcomingClaim = null; // the next task's claim once it has arrived
let submitted = 0;

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
  const html = await renderMarkdown(kind, claim.params, claim.instruction);
  kind.preload?.(claim.params);
  return { claim, html };
}

function prefetch() {
  upcomingClaim = null;
  upcoming = claimAndPrepare().then(
    (prepared) => { upcomingClaim = prepared?.claim ?? null; return prepared; },
    (error) => ({ error }));
}

function show(prepared) {
  if (!prepared) {
    current = null;
    holder.replaceChildren(doneCard({
      title: "Nothing left for you here", did: "submitted", count: submitted,
      href: "/work", back: "Back to your projects",
    }));
    say("The queue is empty for you.");
    return;
  }
  if (prepared.error) throw prepared.error;
  const { claim, html } = prepared;
  const view = kind.create(claim.params, { html, hypothesis: claim.params.hypothesis });
  const extra = claim.instruction && html(claim.instruction);
  if (extra) document.getElementById("instructions-body").innerHTML = extra;
  const actions = taskActions(
    h("button", { type: "button", class: "primary", id: "submit", onclick: submit }, "Submit (Enter)"),
    h("button", { type: "button", onclick: askSkip }, "Skip… (s)"),
    h("button", { type: "button", onclick: showInstructions }, "Instructions (i)"),
    h("button", { type: "button", id: "previous", onclick: goBack }, "Previous task ([)"));
  holder.replaceChildren(taskGrid(
    h("section", { class: "task-body", "aria-label": "Task" }, view.el, actions), view, [
      ["Enter", "submit (Ctrl+Enter inside a text box)"],
      ["Esc", "leave a text box"],
      ["i", "instructions"],
      ["s", "skip with a reason"],
      ["[", "correct your previous answer"],
    ]));
  current = { claim, view, timer: new Timer() };
  view.focus?.();
  say(`${submitted} submitted in this session`);
}

async function advance() {
  const next = await upcoming;
  show(next);
  if (next) prefetch();
}

// The previous answer in its type's own view, filled with the response given.
function goBack() {
  if (!current || correcting) return;
  run(async () => {
    const previous = await api("GET", `${base}/previous`);
    const html = await renderMarkdown(kind, previous.params, previous.instruction);
    const view = kind.create(previous.params, { html, hypothesis: previous.response });
    const instructions = document.getElementById("instructions-body");
    const left = holder.firstElementChild;
    correcting = { previous, view, timer: new Timer(), left, instructions: instructions.innerHTML };
    current.timer.pause();
    const extra = previous.instruction && html(previous.instruction);
    if (extra) instructions.innerHTML = extra;
    const actions = taskActions(
      h("button", { type: "button", class: "primary", id: "correct", onclick: correct },
        "Submit correction (Enter)"),
      h("button", { type: "button", onclick: returnToCurrent }, "Back to the current task (])"),
      h("button", { type: "button", onclick: showInstructions }, "Instructions (i)"));
    holder.replaceChildren(taskGrid(
      h("section", { class: "task-body", "aria-label": "Previous task" },
        h("p", { class: "correcting", role: "note" }, "Correcting your previous answer"),
        view.el, actions), view, [
        ["Enter", "submit the correction (Ctrl+Enter inside a text box)"],
        ["Esc", "leave a text box"],
        ["i", "instructions"],
        ["]", "back to the current task, unchanged"],
      ]));
    view.focus?.();
    say("Correcting your previous answer");
  });
}

function returnToCurrent() {
  if (!correcting) return;
  holder.replaceChildren(correcting.left);
  document.getElementById("instructions-body").innerHTML = correcting.instructions;
  correcting = null;
  current.timer.resume();
  current.view.focus?.();
}

function correct() {
  if (!correcting) return;
  run(async () => {
    const response = correcting.view.response();
    await api("POST", `/api/assignments/${correcting.previous.assignment_id}/correct`,
      { response, time_spent_s: correcting.timer.seconds() });
    returnToCurrent();
    say("Your previous answer is corrected");
  });
}

function submit() {
  if (correcting) return correct();
  if (!current) return;
  run(async () => {
    const response = current.view.response();
    await api("POST", `/api/assignments/${current.claim.assignment_id}/submit`,
      { response, time_spent_s: current.timer.seconds() });
    submitted += 1;
    await advance();
  });
}

const openSkip = textDialog({
  id: "skip",
  title: "Skip this task",
  label: "Why? (Enter to skip, Esc to go back)",
  action: "Skip",
  maxlength: 2000,
  suggestions: ["The content is unclear or broken", "I am not sure of the answer",
    "Offensive content", "The instructions do not cover this case"],
}, (reason) => current && run(async () => {
  await api("POST", `/api/assignments/${current.claim.assignment_id}/skip`, { reason });
  await advance();
}));

function askSkip() {
  if (current && !correcting) openSkip();
}

bindKeys(() => correcting?.view ?? current?.view, {
  Enter: submit, i: showInstructions, s: askSkip, "[": goBack, "]": returnToCurrent,
}, submit);

document.addEventListener("visibilitychange", () => {
  const timer = (correcting ?? current)?.timer;
  if (timer) document.hidden ? timer.pause() : timer.resume();
});

// Leaving the page gives the claimed tasks back to the queue at once instead of at lease end.
window.addEventListener("pagehide", () => {
  for (const id of [current?.claim.assignment_id, upcomingClaim?.assignment_id].filter(Boolean)) {
    api("POST", `/api/assignments/${id}/release`, undefined, { keepalive: true }).catch(() => {});
  }
});

start(root, holder, (loaded) => {
  kind = loaded;
  prefetch();
  return advance();
}, "Could not load a task.");
