// The review queue: a completed task with every answer, the consensus and its confidence.
// The consensus opens in the annotator's workspace module for the type, so a fix is made with
// the same tools and keys; accept, fix and reject each have a key of their own.

import { api } from "./api.js";
import { h, isTyping, kbd, textDialog } from "./dom.js";
import { summary } from "./answers.js";
import { taskType } from "./types/index.js";

const root = document.getElementById("review");
const kind = taskType(root.dataset.type);
const holder = document.getElementById("item");
const statusLine = document.getElementById("status");
const instructions = document.getElementById("instructions");
const base = `/api/projects/${encodeURIComponent(root.dataset.project)}`;
const pct = (x) => `${Math.round(x * 100)}%`;

let current = null; // {item, view}
let decided = 0;
let busy = false;

function say(text, cls = "muted") {
  statusLine.className = cls;
  statusLine.textContent = text;
}

async function load() {
  const item = await api("POST", `${base}/reviews/next`);
  if (!item) {
    current = null;
    holder.replaceChildren(h("section", { class: "card done" },
      h("h2", {}, "Nothing waits for review"),
      h("p", {}, `You decided ${decided} task${decided === 1 ? "" : "s"} in this session.`),
      h("p", {}, h("a", { href: "/review" }, "Back to the review queues"))));
    say("The review queue is empty.");
    return;
  }
  const sources = kind.markdownSources ? kind.markdownSources(item.params) : [];
  const rendered = sources.length ? (await api("POST", "/api/markdown", { texts: sources })).html : [];
  const html = new Map(sources.map((s, i) => [s, rendered[i]]));
  const view = kind.create(item.params, { html: (s) => html.get(s) ?? "", hypothesis: item.response });
  current = { item, view };
  holder.replaceChildren(h("div", { class: "task-grid" },
    h("div", { class: "review-main" },
      h("section", { class: "task-body", "aria-labelledby": "consensus-title" },
        h("h2", { id: "consensus-title" }, "Consensus, editable for a fix"),
        h("p", { class: item.low_confidence ? "badge warn" : "badge" },
          `Confidence ${item.confidence === null ? "–" : pct(item.confidence)}`,
          item.low_confidence ? " · below the project's target" : ""),
        view.el,
        h("div", { class: "actions" },
          h("button", { type: "button", class: "primary", id: "accept", onclick: accept }, "Accept (a)"),
          h("button", { type: "button", id: "fix", onclick: fix }, "Save fix (f)"),
          h("button", { type: "button", id: "reject", onclick: askReject }, "Reject… (r)"),
          h("button", { type: "button", onclick: () => instructions.showModal() }, "Instructions (i)"),
          h("p", { id: "task-error", class: "error", role: "alert" }))),
      answersPanel(item)),
    shortcutPanel(view)));
  view.focus?.();
  say(`${decided} decided in this session · task ${item.task_id}`);
}

function answersPanel(item) {
  const differ = item.answers.filter((a) => !a.agrees).length;
  return h("section", { class: "task-body answers", "aria-labelledby": "answers-title" },
    h("h2", { id: "answers-title" }, `Answers (${item.answers.length}, ${differ} differ from the consensus)`),
    h("ol", { class: "answer-list" }, item.answers.map((a) => h("li", { class: a.agrees ? "agree" : "disagree" },
      h("span", { class: "who" }, a.annotator),
      h("span", { class: "verdict" }, a.agrees ? "agrees" : "differs",
        a.agreement === null ? "" : ` (${pct(a.agreement)})`),
      h("span", { class: "what" }, summary(a.response, item.params)),
      a.time_spent_s ? h("span", { class: "muted" }, ` ${Math.round(a.time_spent_s)} s`) : null))),
    item.audits.length ? h("p", { class: "muted" }, `Earlier verdicts: ${item.audits.map((x) => x.audit_result).join(", ")}`) : null);
}

function shortcutPanel(view) {
  const rows = [...view.shortcuts, ["a", "accept the consensus"], ["f", "save your fix"],
    ["r", "reject with a comment"], ["i", "instructions"], ["Esc", "leave a text box"]];
  return h("aside", { class: "keys", "aria-label": "Keyboard shortcuts" }, h("h2", {}, "Keys"),
    h("dl", {}, rows.map(([k, what]) => [h("dt", {}, kbd(k)), h("dd", {}, what)])));
}

async function decide(body) {
  if (!current || busy) return;
  busy = true;
  try {
    await api("POST", `/api/tasks/${current.item.task_id}/review`, body);
    decided += 1;
    await load();
  } catch (err) {
    document.getElementById("task-error").textContent = err.errors?.length
      ? err.errors.map((e) => `${e.loc}: ${e.msg}`).join("; ") : err.message;
  } finally {
    busy = false;
  }
}

const accept = () => decide({ decision: "accept" });

function fix() {
  if (!current) return;
  try {
    decide({ decision: "fix", response: current.view.response() });
  } catch (err) {
    document.getElementById("task-error").textContent = err.message;
  }
}

const openReject = textDialog({
  id: "reject-dialog",
  title: "Reject this task",
  note: "It goes back to the queue for one more answer.",
  label: "Comment for the record (Enter to reject, Esc to go back)",
  action: "Reject",
  maxlength: 5000,
}, (comment) => decide({ decision: "reject", comment }));

function askReject() {
  if (current) openReject();
}

document.addEventListener("keydown", (event) => {
  if (document.querySelector("dialog[open]") || !current) return;
  const typing = isTyping(event.target);
  if (current.view.onKey?.(event, typing)) {
    event.preventDefault();
    return;
  }
  if (typing) {
    if (event.key === "Escape") event.target.blur();
    return;
  }
  if (event.altKey || event.ctrlKey || event.metaKey) return;
  const action = { a: accept, f: fix, r: askReject, i: () => instructions.showModal() }[event.key];
  if (action) {
    event.preventDefault();
    action();
  }
});

load().catch((err) => {
  holder.replaceChildren(h("p", { class: "error", role: "alert" }, err.message));
  say("Could not load the review queue.", "error");
});
