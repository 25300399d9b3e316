// The admin's jobs page: background jobs newest first, failed ones (callbacks that gave up)
// by default, each with its last error; a failed job is retried with one click.

import { api, errorText } from "./api.js";
import { h } from "./dom.js";

const root = document.getElementById("admin-jobs");
const PAGE = 50;
const when = (iso) => (iso ? iso.slice(0, 19).replace("T", " ") : "–");
const choice = (id, label, values, first) => h("div", { class: "field" }, h("label", { for: id }, label),
  h("select", { id }, h("option", { value: "" }, first), values.map((v) => h("option", { value: v }, v))));

const filters = h("form", { class: "inline wrap", id: "job-filters" },
  choice("job-status", "Status", root.dataset.statuses.split(","), "any status"),
  choice("job-kind", "Kind", root.dataset.kinds.split(","), "any kind"),
  h("button", { type: "submit", class: "primary" }, "Show"));
const statusSelect = filters.querySelector("#job-status");
const kindSelect = filters.querySelector("#job-kind");
statusSelect.value = "failed";
const statusLine = h("p", { id: "status", class: "muted", role: "status", "aria-live": "polite" });
const body = h("tbody");
const table = h("table", { id: "jobs" },
  h("caption", {}, "Newest first. A callback still being retried is queued with its last error; one that gave up has failed."),
  h("thead", {}, h("tr", {}, ["Job", "Kind", "Status", "Attempts", "About", "Last error", "Updated", "Next run", "Actions"]
    .map((c) => h("th", { scope: "col" }, c)))),
  body);
const more = h("button", { type: "button", hidden: true, onclick: () => load(more.dataset.cursor) }, "More jobs");

function about(job) {
  const what = job.task_id ? `task ${job.task_id}` : job.batch_id ? `batch ${job.batch_id}` : "";
  return [what, job.event ? ` (${job.event})` : "", job.url ? [h("br"), h("code", {}, job.url)] : ""];
}

function row(job) {
  return h("tr", { "data-job": job.id },
    h("th", { scope: "row" }, String(job.id)), h("td", {}, job.kind), h("td", { class: "job-status" }, job.status),
    h("td", {}, job.attempts), h("td", {}, about(job)), h("td", {}, job.last_error || "–"),
    h("td", {}, when(job.updated_at)), h("td", {}, job.status === "queued" ? when(job.run_at) : "–"),
    h("td", {}, job.status === "failed"
      ? h("button", { type: "button", "aria-label": `Retry job ${job.id}`, onclick: (e) => retry(job, e.target) }, "Retry")
      : ""));
}

async function retry(job, button) {
  button.disabled = true;
  try {
    const again = await api("POST", `/api/jobs/${job.id}/retry`);
    const fresh = row(again);
    button.closest("tr").replaceWith(fresh);
    statusLine.textContent = `Job ${job.id} is queued to run again now.`;
  } catch (err) {
    button.disabled = false;
    statusLine.textContent = errorText(err);
  }
}

// A page of jobs with the chosen filters, after `cursor` (or from the newest).
async function load(cursor) {
  const query = new URLSearchParams({ limit: PAGE });
  if (statusSelect.value) query.set("status", statusSelect.value);
  if (kindSelect.value) query.set("kind", kindSelect.value);
  if (cursor) query.set("cursor", cursor);
  try {
    const page = await api("GET", `/api/jobs?${query}`);
    if (!cursor) body.replaceChildren();
    body.append(...page.docs.map(row));
    more.hidden = !page.has_more;
    more.dataset.cursor = page.next_cursor || "";
    const shown = body.children.length;
    statusLine.textContent = shown ? `${shown} job${shown === 1 ? "" : "s"} shown.` : "No jobs match.";
  } catch (err) {
    statusLine.textContent = errorText(err);
  }
}

filters.addEventListener("submit", (event) => {
  event.preventDefault();
  load();
});
root.replaceChildren(filters, statusLine, h("div", { class: "table-scroll" }, table), more);
load();
