// One task for its manager: the data with the consensus drawn in the task type's own view, every
// answer in that view side by side (with its one-line summary set against the consensus's, words
// removed and added marked), why the task is still pending, its history, and the actions its
// status allows. The views are the workspace's modules, shown read-only.

import { api, errorText } from "./api.js";
import { confirmDialog, h } from "./dom.js";
import { pct } from "./answers.js";
import { renderMarkdown } from "./task_page.js";
import { taskType } from "./types/index.js";

const root = document.getElementById("task");
const holder = document.getElementById("detail");
const statusLine = document.getElementById("status");
const taskId = root.dataset.task;
const confirmCancel = confirmDialog({ id: "cancel-dialog", title: "Cancel this task", action: "Cancel the task", danger: true });

function say(text, cls = "muted") {
  statusLine.className = cls;
  statusLine.textContent = text;
}

// Attributes that name another element by id, renamed with it.
const REFERENCES = ["for", "list", "aria-labelledby", "aria-describedby", "aria-controls"];

/**
 * A view shown read-only among others of the same type: its ids (and the references to them)
 * and its input groups get `suffix`, so that views on one page neither share ids nor radios.
 */
function readOnly(view, suffix, label) {
  const el = view.el;
  for (const node of el.querySelectorAll("[id]")) node.id += suffix;
  for (const attr of REFERENCES) {
    for (const node of el.querySelectorAll(`[${attr}]`)) {
      node.setAttribute(attr, node.getAttribute(attr).split(" ").map((id) => id + suffix).join(" "));
    }
  }
  for (const node of el.querySelectorAll("[name]")) node.setAttribute("name", node.getAttribute("name") + suffix);
  return h("div", { class: "readonly-view", role: "group", inert: true, "aria-label": label }, el);
}

/** `before` and `after` as words, those only in `before` struck out and those only in `after` marked. */
function wordDiff(before, after) {
  const a = before.split(/\s+/).filter(Boolean);
  const b = after.split(/\s+/).filter(Boolean);
  const lcs = Array.from({ length: a.length + 1 }, () => new Array(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i -= 1) {
    for (let j = b.length - 1; j >= 0; j -= 1) {
      lcs[i][j] = a[i] === b[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
    }
  }
  const out = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      out.push(`${a[i]} `);
      i += 1;
      j += 1;
    } else if (j < b.length && (i === a.length || lcs[i][j + 1] >= lcs[i + 1][j])) {
      out.push(h("ins", {}, b[j]), " ");
      j += 1;
    } else {
      out.push(h("del", {}, a[i]), " ");
      i += 1;
    }
  }
  return out;
}

const when = (t) => (t ? t.slice(0, 19).replace("T", " ") : "–");

function section(id, title, ...children) {
  return h("section", { class: "card panel", "aria-labelledby": id }, h("h2", { id }, title), ...children);
}

function overview(d) {
  const t = d.task;
  const rows = [["Status", t.status], ["Batch", t.batch ?? "–"], ["Tags", t.tags.join(", ") || "–"],
    ["Confidence", d.confidence === null ? "–" : pct(d.confidence)],
    ["Review", t.review_status ?? "–"], ["Created", when(t.created_at)], ["Completed", when(t.completed_at)]];
  if (t.unique_id) rows.unshift(["Unique id", t.unique_id]);
  if (t.is_gold) rows.push(["Gold", "yes: the known answer is below"]);
  return h("dl", { class: "facts" }, rows.map(([k, v]) => [h("dt", {}, k), h("dd", {}, v)]));
}

function pendingPanel(p) {
  return section("h-pending", "Why it is still pending",
    h("p", {}, p.summary),
    h("ul", { id: "pending-reasons" }, p.reasons.map((r) => h("li", {}, r))),
    p.open_leases.length
      ? h("p", {}, "Open leases: ", p.open_leases.map((l) => `${l.annotator} until ${when(l.lease_expires_at)}`).join("; "))
      : null);
}

function answersPanel(kind, d, html) {
  const consensus = d.consensus ? kind.summary(d.consensus, d.task.params) : "";
  const cards = d.answers.map((a, i) => {
    const view = kind.create(d.task.params, { html, hypothesis: a.response });
    const line = kind.summary(a.response, d.task.params);
    return h("article", { class: "answer-card", "aria-labelledby": `answer-${i}` },
      h("h3", { id: `answer-${i}` }, a.annotator),
      h("p", { class: "muted" }, [
        a.agreement === null ? null : `agreement ${pct(a.agreement)}`,
        a.weight === null ? "weight not measured yet" : `weight ${a.weight.toFixed(2)}`,
        a.time_spent_s ? `${Math.round(a.time_spent_s)} s` : null, when(a.created_at),
      ].filter(Boolean).join(" · ")),
      h("p", { class: "diff" }, consensus ? wordDiff(consensus, line) : line),
      readOnly(view, `-a${i}`, `${a.annotator}'s answer`));
  });
  return section("h-answers", `Answers (${d.answers.length})`,
    d.answers.length ? h("p", { class: "muted" }, "Each answer's summary is set against the consensus: struck-out words are the consensus's only, marked words the answer's.") : null,
    cards.length ? h("div", { class: "answer-grid" }, cards) : h("p", {}, "No answers yet."));
}

function historyPanel(events) {
  return section("h-history", "History",
    h("ol", { id: "history", class: "history" }, events.map((e) => h("li", {},
      h("time", { datetime: e.at }, when(e.at)), " ", h("strong", {}, e.event),
      e.by ? ` by ${e.by}` : "", e.detail ? ` — ${e.detail}` : ""))));
}

function actions(d) {
  const run = (what, done) => async () => {
    try {
      await what();
      await load();
      say(done);
    } catch (err) {
      say(errorText(err), "error");
    }
  };
  const post = (path) => () => api("POST", `/api/tasks/${taskId}/${path}`);
  const buttons = [];
  if (d.actions.send_to_review) {
    buttons.push(h("button", { type: "button", id: "send-to-review", onclick: run(post("send-to-review"), "Sent to review.") }, "Send to review"));
  }
  if (d.actions.reopen) {
    buttons.push(h("button", { type: "button", id: "reopen", onclick: run(post("reopen"), "Reopened: the task is back in the queue.") }, "Reopen"));
  }
  if (d.actions.cancel) {
    buttons.push(h("button", { type: "button", class: "danger", id: "cancel", onclick: async () => {
      if (await confirmCancel("The task leaves the queue and is never completed. Canceled tasks can be reopened.")) {
        await run(post("cancel"), "Canceled.")();
      }
    } }, "Cancel task…"));
  }
  return h("div", { class: "actions" }, buttons.length ? buttons : h("span", { class: "muted" }, "No action applies to a task in this state."));
}

let kind = null;

async function load() {
  const d = await api("GET", `/api/tasks/${taskId}/detail`);
  if (d.task.project !== root.dataset.project) throw new Error(`Task ${taskId} is not a task of project ${root.dataset.project}.`);
  const html = await renderMarkdown(kind, d.task.params);
  const main = kind.create(d.task.params, { html, hypothesis: d.consensus ?? undefined });
  const gold = d.task.is_gold && d.task.expected_response
    ? section("h-gold", "Known answer (gold)", h("p", {}, kind.summary(d.task.expected_response, d.task.params)))
    : null;
  holder.replaceChildren(...[
    section("h-task", "Task", overview(d), actions(d)),
    section("h-data", d.consensus ? "Data, with the consensus" : "Data",
      d.consensus ? h("p", { class: "badge" }, `Consensus: ${kind.summary(d.consensus, d.task.params)} · confidence ${d.confidence === null ? "–" : pct(d.confidence)}`) : null,
      readOnly(main, "-c", "The task's data")),
    gold,
    d.pending ? pendingPanel(d.pending) : null,
    answersPanel(kind, d, html),
    historyPanel(d.history)].filter(Boolean));
}

(async () => {
  try {
    kind = taskType(root.dataset.type);
    await load();
    say("");
  } catch (err) {
    holder.replaceChildren();
    say(errorText(err), "error");
  }
})();
