// A project's dashboard for its manager: a "get started" guide until answers come in, then
// figures, charts and agreement measures from Quorum's JSON, the annotator table with
// blocking, and around it data upload (with progress), members, groups, labels, settings,
// exports.

import { api, csrf, errorText } from "./api.js";
import { h } from "./dom.js";
import { barChart, confusionTable } from "./charts.js";
import { fieldErrors } from "./field_errors.js";
import { policyErrorFields, policyFields, readPolicy } from "./policy_fields.js";
import { exportsPanel } from "./exports_panel.js";
import { groupsPanel } from "./groups_panel.js";
import { labelsPanel } from "./labels_panel.js";
import { membersPanel } from "./members_panel.js";
import { importReport } from "./import_report.js";

const root = document.getElementById("dashboard");
const project = root.dataset.project;
const base = `/api/projects/${encodeURIComponent(project)}`;
const panels = document.getElementById("panels");
const statusLine = document.getElementById("status");
const pct = (x) => (x === null || x === undefined ? "–" : `${Math.round(x * 100)}%`);
const REFRESH_MS = 15000;

const figures = h("div", { id: "figures" });
panels.append(
  h("div", { class: "toolbar" },
    h("button", { type: "button", id: "refresh", onclick: () => refresh() }, "Refresh"),
    h("a", { class: "button", href: `/review/${encodeURIComponent(project)}` }, "Review queue"),
    h("a", { class: "button", href: `/manage/${encodeURIComponent(project)}/tasks` }, "Tasks")),
  figures,
  h("div", { class: "split" }, uploadPanel(), exportsPanel(base, root.dataset.exports.split(","), section)),
  h("div", { class: "split" }, membersPanel(base, project, section), settingsPanel()),
  h("div", { class: "split" }, groupsPanel(base, section),
    root.dataset.labelsTitle ? labelsPanel(base, root.dataset.labelsTitle, section) : null));

function section(title, ...children) {
  const id = `h-${title.toLowerCase().replace(/[^a-z]+/g, "-")}`;
  return h("section", { class: "card panel", "aria-labelledby": id }, h("h2", { id }, title), ...children);
}

function tiles(queue) {
  const s = queue.by_status;
  const rows = [["Tasks", queue.total], ["Completed", `${s.completed || 0} (${pct(queue.completion)})`],
    ["In the queue", s.pending || 0], ["Waiting for review", queue.waiting_review],
    ["Errors", s.error || 0], ["Gold tasks", queue.gold]];
  return h("div", { class: "tiles" }, rows.map(([k, v]) => h("div", { class: "tile" },
    h("span", { class: "muted" }, k), h("strong", {}, String(v)))));
}

const STEP_NAMES = { no_tasks: "Import tasks", no_annotators: "Add annotators",
  no_answers: "Get the first answers" };

// What to do next on a project that has no data yet, as a checklist whose first open step
// carries the explanation and the link.
function getStarted(setup) {
  return h("section", { class: "card panel get-started", id: "get-started", "aria-labelledby": "h-get-started" },
    h("h2", { id: "h-get-started" }, "Get started"),
    h("p", {}, "Charts appear here once annotators answer. What to do next:"),
    h("ol", { class: "steps" }, setup.steps.map((step) => {
      const next = step.step === setup.stage;
      return h("li", { class: step.done ? "done" : next ? "next" : "" },
        h("strong", {}, STEP_NAMES[step.step]),
        h("span", { class: "muted" }, step.done ? " · done" : next ? " · next" : ""),
        next ? h("p", {}, setup.next_step, " ", h("a", { href: step.link.href }, setup.link.text)) : null);
    })));
}

const fmt = (m) => (m.value === null ? "–" : m.value.toFixed(2));

// The type's agreement measures, each with what it means in plain words.
function agreementPanel(agreement) {
  const caption = agreement.sample
    ? `Between annotators, on the latest ${agreement.sample} tasks that two or more people answered.`
    : "Nothing to measure yet: agreement needs tasks that two or more annotators answered (raise “Answers per task” in the settings).";
  return section("Agreement", h("table", { id: "agreement" },
    h("caption", {}, caption),
    h("thead", {}, h("tr", {}, ["Measure", "Value", "Tasks", "What it means"].map((c) => h("th", { scope: "col" }, c)))),
    h("tbody", {}, agreement.measures.map((m) => h("tr", {},
      h("th", { scope: "row" }, m.name), h("td", { class: "figure" }, fmt(m)), h("td", {}, m.n),
      h("td", {}, m.explanation, m.higher_is_better ? "" : h("span", { class: "muted" }, " (lower is better)")))))));
}

function annotatorTable(rows, agreement) {
  const agrees = new Map(agreement.per_annotator.map((a) => [a.annotator, a]));
  const agreeing = (name) => {
    const a = agrees.get(name);
    return a && a.agreement !== null ? `${pct(a.agreement)} (${a.pairs} pairs)` : "–";
  };
  return h("table", { id: "annotators" },
    h("caption", {}, "Gold accuracy with its 95% interval; agreement: mean agreement with the others on the same tasks; skill from the quality engine's fit."),
    h("thead", {}, h("tr", {}, ["Annotator", "Answers", "Skipped", "s per task", "Gold accuracy",
      "Agreement", "Skill", "Spammer", "Earnings", "Access"].map((c) => h("th", { scope: "col" }, c)))),
    h("tbody", {}, rows.map((a) => h("tr", { class: a.blocked ? "blocked" : "" },
      h("th", { scope: "row" }, a.annotator), h("td", {}, a.answers), h("td", {}, a.skipped),
      h("td", {}, a.seconds_per_answer ?? "–"),
      h("td", {}, a.gold_accuracy ? `${pct(a.gold_accuracy.mean)} (${pct(a.gold_accuracy.low)}–${pct(a.gold_accuracy.high)}, n=${a.gold_accuracy.answers})` : "–"),
      h("td", {}, agreeing(a.annotator)),
      h("td", {}, a.skill === null ? "–" : a.skill.toFixed(2)),
      h("td", {}, a.spammer ? "yes" : "no"),
      h("td", {}, a.earnings.toFixed(2)),
      h("td", {}, h("button", { type: "button", "aria-label": `${a.blocked ? "Unblock" : "Block"} ${a.annotator}`,
        onclick: () => setBlocked(a.annotator, !a.blocked) }, a.blocked ? "Unblock" : "Block"))))));
}

async function setBlocked(user, blocked) {
  try {
    await api("POST", `${base}/annotators/${encodeURIComponent(user)}/${blocked ? "block" : "unblock"}`);
    await refresh();
    document.querySelector(`#annotators button[aria-label$="${CSS.escape(user)}"]`)?.focus();
  } catch (err) {
    statusLine.textContent = errorText(err);
  }
}

function draw(d) {
  if (d.setup.stage !== "running") {
    figures.replaceChildren(getStarted(d.setup), d.setup.stage === "no_tasks" ? "" : tiles(d.queue));
    return;
  }
  const hours = d.throughput.map((t) => t.hour.slice(11, 13));
  const statuses = Object.keys(d.queue.by_status);
  const parts = [
    tiles(d.queue),
    agreementPanel(d.agreement),
    h("div", { class: "split" },
      section("Throughput", barChart({
        title: "Answers and completed tasks per hour, last 48 hours (UTC)", labels: hours, every: 6,
        series: [{ name: "answers", values: d.throughput.map((t) => t.answers), cls: "s1" },
          { name: "completed", values: d.throughput.map((t) => t.completed), cls: "s2" }],
      })),
      section("Queue and confidence",
        barChart({ title: "Tasks by status", labels: statuses, height: 160,
          series: [{ name: "tasks", values: statuses.map((k) => d.queue.by_status[k]), cls: "s1" }] }),
        barChart({ title: "Completed tasks by confidence", height: 160,
          labels: d.confidence.map((_, i) => `${i / 10}`), every: 2,
          series: [{ name: "tasks", values: d.confidence, cls: "s2" }] }))),
  ];
  const labels = Object.keys(d.label_agreement || {});
  if (labels.length) {
    parts.push(h("div", { class: "split" },
      section("Agreement per label", barChart({
        title: d.confusion ? "Answers that agree with the consensus, per consensus label (%)"
          : "Agreement of answers with the consensus on each label's items (matched F1, %)",
        labels, height: 180,
        series: [{ name: "% agreement", values: labels.map((l) => Math.round((d.label_agreement[l] ?? 0) * 100)), cls: "s1" }],
      })),
      d.confusion ? section("Confusion matrix", confusionTable(d.confusion)) : null));
  }
  parts.push(section("Annotators", annotatorTable(d.annotators, d.agreement)));
  figures.replaceChildren(...parts);
}

async function refresh() {
  try {
    draw(await api("GET", `${base}/dashboard?hours=48`));
    statusLine.className = "muted";
    statusLine.textContent = `Updated ${new Date().toLocaleTimeString()}`;
  } catch (err) {
    statusLine.className = "error";
    statusLine.textContent = errorText(err);
  }
}

// The bar follows the bytes sent, then runs indeterminate while the server checks and stores
// the tasks; a refused or failed upload is shown as failed, with its reason and a retry.
function uploadPanel() {
  const input = h("input", { type: "file", id: "upload-file", accept: ".jsonl,.ndjson,.csv,.json" });
  const bar = h("progress", { id: "upload-progress", max: 1, value: 0, "aria-label": "Upload progress" });
  const result = h("p", { id: "upload-result", role: "status" });
  const failure = h("p", { id: "upload-error", class: "error", role: "alert" });
  const button = h("button", { type: "submit", class: "primary" }, "Upload");
  const retry = h("button", { type: "button", id: "upload-retry", hidden: true }, "Retry upload");
  // A dry run first (nothing written): its report, and the choice to leave duplicates out.
  const check = h("button", { type: "button", id: "upload-check", onclick: () => checkFile() }, "Check file");
  const skip = h("select", { id: "upload-skip" },
    h("option", { value: "none" }, "Import every record"),
    h("option", { value: "exact" }, "Skip exact duplicates"),
    h("option", { value: "near" }, "Skip exact and near duplicates"));
  const report = h("div", { id: "upload-report-holder", "aria-live": "polite" });
  const form = h("form", { class: "stack" },
    h("label", { for: "upload-file" }, "Task file (JSONL, CSV or JSON; one task record per line or row)"),
    input, h("label", { for: "upload-skip" }, "Duplicates"), skip,
    h("div", { class: "toolbar" }, check, button), bar, result, failure, retry, report);
  let sending = null;

  async function checkFile() {
    const file = input.files[0];
    if (!file) { failure.textContent = "Choose a file first."; input.focus(); return; }
    failure.textContent = "";
    result.textContent = `Checking ${file.name}…`;
    try {
      const res = await fetch(`${base}/tasks/import?dry_run=true&filename=${encodeURIComponent(file.name)}`,
        { method: "POST", headers: { "X-CSRF-Token": csrf }, credentials: "same-origin", body: file });
      const found = await res.json().catch(() => null);
      if (!res.ok) throw new Error(found?.error || `${res.status} ${res.statusText}`);
      report.replaceChildren(importReport(found));
      result.textContent = `Checked ${file.name}.`;
    } catch (err) {
      result.textContent = "";
      failure.textContent = `Check of ${file.name} failed: ${errorText(err)}`;
    }
  }

  function failed(message) {
    button.disabled = false;
    bar.classList.add("failed");
    bar.value = 0;
    result.textContent = "";
    failure.textContent = `Upload of ${sending.name} failed: ${message}`;
    retry.hidden = false;
  }

  function send(file) {
    sending = file;
    const xhr = new XMLHttpRequest();
    xhr.open("POST", `${base}/tasks/import?filename=${encodeURIComponent(file.name)}&skip_duplicates=${skip.value}`);
    xhr.setRequestHeader("X-CSRF-Token", csrf);
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) { bar.max = e.total; bar.value = e.loaded; }
      result.textContent = `Uploading… ${Math.round((e.loaded / (e.total || 1)) * 100)}%`;
    };
    xhr.upload.onload = () => {
      bar.removeAttribute("value"); // indeterminate: the server is at work
      result.textContent = `Processing ${file.name}… checking and storing the tasks.`;
    };
    xhr.onload = () => {
      let body = null;
      try { body = JSON.parse(xhr.responseText); } catch { /* not JSON: shown by status */ }
      if (xhr.status !== 200) { failed(body?.error || `${xhr.status} ${xhr.statusText}`); return; }
      button.disabled = false;
      bar.max = 1;
      bar.value = 1;
      const skipped = body.skipped?.length ? ` (${body.skipped.length} duplicates left out)` : "";
      result.textContent = `${body.created} tasks created from ${file.name}${skipped}.`;
      report.replaceChildren();
      refresh();
    };
    xhr.onerror = () => failed("the browser could not send it (the connection was lost, or the file "
      + "changed after it was chosen: choose it again).");
    button.disabled = true;
    retry.hidden = true;
    failure.textContent = "";
    bar.classList.remove("failed");
    bar.max = 1;
    bar.value = 0;
    result.textContent = `Uploading ${file.name}…`;
    xhr.send(file);
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (input.files[0]) send(input.files[0]);
    else { failure.textContent = "Choose a file first."; input.focus(); }
  });
  retry.addEventListener("click", () => send(input.files[0] || sending)); // a file chosen anew wins
  return section("Upload tasks", form);
}

function settingsPanel() {
  const holder = h("div", {}, h("p", { class: "muted" }, "Loading…"));
  api("GET", base).then((p) => {
    const error = h("p", { class: "error", role: "alert" });
    const saved = h("p", { role: "status" });
    const instruction = h("textarea", { id: "settings-instruction", rows: 5, value: p.instruction });
    const form = h("form", { class: "stack" },
      h("label", { for: "settings-instruction" }, "Instructions (Markdown)"), instruction,
      policyFields(p.policy),
      h("button", { type: "submit", class: "primary" }, "Save settings"), saved, error);
    const errors = fieldErrors(() => [["instruction", instruction], ...policyErrorFields(form)], error);
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      errors.clear();
      saved.textContent = "";
      try {
        await api("PATCH", `${base}/policy`, readPolicy(form));
        await api("POST", `${base}/params`, { params: {}, patch: true, instruction: instruction.value });
        saved.textContent = "Saved.";
      } catch (err) {
        errors.show(err);
      }
    });
    holder.replaceChildren(form);
  }, (err) => holder.replaceChildren(h("p", { class: "error", role: "alert" }, errorText(err))));
  return section("Settings", holder);
}

refresh();
// Redrawing under the keyboard focus would lose it; the next tick catches up.
setInterval(() => { if (!document.hidden && !figures.contains(document.activeElement)) refresh(); }, REFRESH_MS);
