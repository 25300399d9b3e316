// The review queue: a completed task with every answer, the consensus and its confidence.
// The consensus opens in the annotator's workspace module for the type, so a fix is made with
// the same tools and keys; accept, fix and reject each have a key of their own.

import { api } from "./api.js";
import { h, textDialog } from "./dom.js";
import { answersPanel, pct } from "./answers.js";
import {
  bindKeys, doneCard, oneAtATime, renderMarkdown, say, showInstructions, start, taskActions, taskGrid,
} from "./task_page.js";

const root = document.getElementById("review");
const holder = document.getElementById("item");
const base = `/api/projects/${encodeURIComponent(root.dataset.project)}`;
const run = oneAtATime();

let kind = null; // the task type's module, once loaded
let current = null; // {item, view}
let decided = 0;

async function load() {
  const item = await api("POST", `${base}/reviews/next`);
  if (!item) {
    current = null;
    holder.replaceChildren(doneCard({
      title: "Nothing waits for review", did: "decided", count: decided,
      href: "/review", back: "Back to the review queues",
    }));
    say("The review queue is empty.");
    return;
  }
  const html = await renderMarkdown(kind, item.params);
  const view = kind.create(item.params, { html, hypothesis: item.response });
  current = { item, view };
  holder.replaceChildren(taskGrid(
    h("div", { class: "review-main" },
      h("section", { class: "task-body", "aria-labelledby": "consensus-title" },
        h("h2", { id: "consensus-title" }, "Consensus, editable for a fix"),
        h("p", { class: item.low_confidence ? "badge warn" : "badge" },
          `Confidence ${item.confidence === null ? "–" : pct(item.confidence)}`,
          item.low_confidence ? " · below the project's target" : ""),
        view.el,
        taskActions(
          h("button", { type: "button", class: "primary", id: "accept", onclick: accept }, "Accept (a)"),
          h("button", { type: "button", id: "fix", onclick: fix }, "Save fix (f)"),
          h("button", { type: "button", id: "reject", onclick: askReject }, "Reject… (r)"),
          h("button", { type: "button", onclick: showInstructions }, "Instructions (i)"))),
      answersPanel(kind, item)),
    view, [["a", "accept the consensus"], ["f", "save your fix"], ["r", "reject with a comment"],
      ["i", "instructions"], ["Esc", "leave a text box"]]));
  view.focus?.();
  say(`${decided} decided in this session · task ${item.task_id}`);
}

// The decision's body is read inside the run, so that a fix the view refuses shows its error.
function decide(body) {
  if (!current) return;
  run(async () => {
    await api("POST", `/api/tasks/${current.item.task_id}/review`, body());
    decided += 1;
    await load();
  });
}

const accept = () => decide(() => ({ decision: "accept" }));
const fix = () => decide(() => ({ decision: "fix", response: current.view.response() }));

const openReject = textDialog({
  id: "reject-dialog",
  title: "Reject this task",
  note: "It goes back to the queue for one more answer.",
  label: "Comment for the record (Enter to reject, Esc to go back)",
  action: "Reject",
  maxlength: 5000,
}, (comment) => decide(() => ({ decision: "reject", comment })));

function askReject() {
  if (current) openReject();
}

bindKeys(() => current?.view, { a: accept, f: fix, r: askReject, i: showInstructions });

start(root, holder, (loaded) => {
  kind = loaded;
  return load();
}, "Could not load the review queue.");
