// A project's dashboard for its manager: figures and charts from Quorum's JSON, the annotator
// table with blocking, and around it data upload (with progress), members, groups, settings,
// exports.

import { api, csrf, errorText } from "./api.js";
import { h } from "./dom.js";
import { barChart, confusionTable } from "./charts.js";
import { policyFields, readPolicy } from "./policy_fields.js";
import { groupsPanel } from "./groups_panel.js";

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
  h("div", { class: "split" }, uploadPanel(), exportPanel()),
  h("div", { class: "split" }, membersPanel(), settingsPanel()),
  h("div", { class: "split" }, groupsPanel(base, section)));

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

function annotatorTable(rows) {
  return h("table", { id: "annotators" },
    h("caption", {}, "Gold accuracy with its 95% interval; skill from the quality engine's fit."),
    h("thead", {}, h("tr", {}, ["Annotator", "Answers", "Skipped", "s per task", "Gold accuracy",
      "Skill", "Spammer", "Earnings", "Access"].map((c) => h("th", { scope: "col" }, c)))),
    h("tbody", {}, rows.map((a) => h("tr", { class: a.blocked ? "blocked" : "" },
      h("th", { scope: "row" }, a.annotator), h("td", {}, a.answers), h("td", {}, a.skipped),
      h("td", {}, a.seconds_per_answer ?? "–"),
      h("td", {}, a.gold_accuracy ? `${pct(a.gold_accuracy.mean)} (${pct(a.gold_accuracy.low)}–${pct(a.gold_accuracy.high)}, n=${a.gold_accuracy.answers})` : "–"),
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
  const hours = d.throughput.map((t) => t.hour.slice(11, 13));
  const statuses = Object.keys(d.queue.by_status);
  const parts = [
    tiles(d.queue),
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
  const labels = Object.keys(d.agreement || {});
  if (labels.length) {
    parts.push(h("div", { class: "split" },
      section("Agreement per label", barChart({
        title: d.confusion ? "Answers that agree with the consensus, per consensus label (%)"
          : "Agreement of answers with the consensus on each label's items (matched F1, %)",
        labels, height: 180,
        series: [{ name: "% agreement", values: labels.map((l) => Math.round((d.agreement[l] ?? 0) * 100)), cls: "s1" }],
      })),
      d.confusion ? section("Confusion matrix", confusionTable(d.confusion)) : null));
  }
  parts.push(section("Annotators", d.annotators.length ? annotatorTable(d.annotators)
    : h("p", { class: "muted" }, "Nobody has answered yet.")));
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

function uploadPanel() {
  const input = h("input", { type: "file", id: "upload-file", accept: ".jsonl,.ndjson,.csv,.json" });
  const bar = h("progress", { id: "upload-progress", max: 1, value: 0, "aria-label": "Upload progress" });
  const result = h("p", { id: "upload-result", role: "status" });
  const button = h("button", { type: "submit", class: "primary" }, "Upload");
  const form = h("form", { class: "stack" },
    h("label", { for: "upload-file" }, "Task file (JSONL, CSV or JSON; one task record per line or row)"),
    input, button, bar, result);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const file = input.files[0];
    if (!file) { result.textContent = "Choose a file first."; return; }
    const xhr = new XMLHttpRequest();
    xhr.open("POST", `${base}/tasks/import?filename=${encodeURIComponent(file.name)}`);
    xhr.setRequestHeader("X-CSRF-Token", csrf);
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) { bar.max = e.total; bar.value = e.loaded; }
      result.textContent = `Uploading… ${Math.round((e.loaded / (e.total || 1)) * 100)}%`;
    };
    xhr.onload = () => {
      button.disabled = false;
      let body = null;
      try { body = JSON.parse(xhr.responseText); } catch { /* not JSON: shown by status */ }
      if (xhr.status === 200) {
        bar.value = bar.max;
        result.textContent = `${body.created} tasks created from ${file.name}.`;
        refresh();
      } else {
        result.textContent = `Not imported: ${body?.error || xhr.statusText}`;
      }
    };
    xhr.onerror = () => { button.disabled = false; result.textContent = "The upload failed (network)."; };
    button.disabled = true;
    bar.value = 0;
    xhr.send(file);
  });
  return section("Upload tasks", form);
}

function exportPanel() {
  return section("Exports", h("ul", {},
    root.dataset.exports.split(",").map((fmt) => h("li", {},
      h("a", { href: `${base}/export?format=${fmt}`, download: "" }, `All tasks (${fmt})`))),
    h("li", {}, h("a", { href: `${base}/export?format=jsonl&status=completed`, download: "" }, "Completed tasks (jsonl)")),
    h("li", {}, h("a", { href: `${base}/pay.csv`, download: "" }, "Pay records (CSV)"))));
}

function membersPanel() {
  const list = h("ul", { id: "members" });
  const form = h("form", { class: "inline wrap" },
    h("label", { for: "member-name" }, "User"), h("input", { id: "member-name", required: true, maxlength: 200 }),
    h("label", { for: "member-role" }, "Role"),
    h("select", { id: "member-role" }, ["annotator", "reviewer"].map((r) => h("option", { value: r }, r))),
    h("button", { type: "submit" }, "Add"));
  const error = h("p", { class: "error", role: "alert" });
  async function load() {
    const members = await api("GET", `${base}/members`);
    list.replaceChildren(...members.map((m) => h("li", {}, `${m.user} · ${m.role}`)));
  }
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    error.textContent = "";
    try {
      await api("POST", `${base}/members`, { user: form.querySelector("#member-name").value.trim(),
        role: form.querySelector("#member-role").value });
      form.querySelector("#member-name").value = "";
      await load();
    } catch (err) {
      error.textContent = errorText(err);
    }
  });
  load().catch((err) => { error.textContent = errorText(err); });
  return section("Members", list, form, error);
}

function settingsPanel() {
  const holder = h("div", {}, h("p", { class: "muted" }, "Loading…"));
  api("GET", base).then((p) => {
    const error = h("p", { class: "error", role: "alert" });
    const saved = h("p", { role: "status" });
    const form = h("form", { class: "stack" },
      h("label", { for: "settings-instruction" }, "Instructions (Markdown)"),
      h("textarea", { id: "settings-instruction", rows: 5, value: p.instruction }),
      policyFields(p.policy),
      h("button", { type: "submit", class: "primary" }, "Save settings"), saved, error);
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      error.textContent = saved.textContent = "";
      try {
        await api("PATCH", `${base}/policy`, readPolicy(form));
        await api("POST", `${base}/params`, { params: {}, patch: true,
          instruction: form.querySelector("#settings-instruction").value });
        saved.textContent = "Saved.";
      } catch (err) {
        error.textContent = errorText(err);
      }
    });
    holder.replaceChildren(form);
  }, (err) => holder.replaceChildren(h("p", { class: "error", role: "alert" }, errorText(err))));
  return section("Settings", holder);
}

refresh();
// Redrawing under the keyboard focus would lose it; the next tick catches up.
setInterval(() => { if (!document.hidden && !figures.contains(document.activeElement)) refresh(); }, REFRESH_MS);
