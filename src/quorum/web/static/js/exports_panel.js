// The dashboard's Exports panel: small exports stream straight from a link; a large one runs as
// a job on the server, whose progress shows here until its file is offered for download.

import { api, errorText } from "./api.js";
import { h } from "./dom.js";

const POLL_MS = 1000;
const STATUSES = ["completed", "pending", "canceled", "error"];

export function exportsPanel(base, formats, section) {
  const format = h("select", { id: "export-format" }, formats.map((f) => h("option", { value: f }, f)));
  const status = h("select", { id: "export-status" },
    h("option", { value: "" }, "any status"), STATUSES.map((s) => h("option", { value: s }, s)));
  const confidence = h("input", {
    id: "export-min-confidence", type: "number", min: 0, max: 1, step: 0.01, placeholder: "none",
  });
  const below = h("input", { id: "export-below", type: "checkbox" });
  const error = h("p", { class: "error", role: "alert", id: "export-error" });
  const list = h("ul", { id: "export-jobs", class: "export-jobs", "aria-live": "polite" });
  let timer = null;

  const form = h("form", { class: "stack", id: "export-job-form" },
    h("label", { for: format.id }, "Format"), format,
    h("label", { for: status.id }, "Tasks with status"), status,
    h("label", { for: confidence.id }, "Minimum confidence"), confidence,
    h("label", { class: "inline" }, below, " the other tasks instead (below it, or unlabelled)"),
    h("button", { type: "submit", class: "primary" }, "Start export job"),
    error);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    error.textContent = "";
    const body = { format: format.value, below: below.checked };
    if (status.value) body.status = status.value;
    if (confidence.value !== "") body.min_confidence = Number(confidence.value);
    try {
      await api("POST", `${base}/exports`, body);
      await reload();
    } catch (err) {
      error.textContent = errorText(err);
    }
  });

  function describe(job) {
    const what = [job.format, job.status, job.min_confidence === null ? null
      : `${job.below ? "below" : "at least"} ${job.min_confidence}`].filter(Boolean).join(" · ");
    const counted = `${job.tasks_done} of ${job.tasks_total ?? "?"} tasks`;
    const item = h("li", { class: "export-job", "data-state": job.state },
      h("span", {}, `#${job.id} ${what}: `), h("strong", {}, job.state), ` · ${counted}`);
    if (job.state === "queued" || job.state === "running") {
      item.append(" ", h("progress", {
        max: job.tasks_total || 1, value: job.tasks_done, "aria-label": `export ${job.id} progress`,
      }));
    } else if (job.download_url) {
      item.append(" ", h("a", { href: job.download_url, download: job.filename }, `Download ${job.filename}`));
    } else if (job.error) {
      item.append(" ", h("span", { class: "error" }, job.error));
    }
    return item;
  }

  async function reload() {
    clearTimeout(timer);
    const jobs = await api("GET", `${base}/exports`);
    list.replaceChildren(...(jobs.length ? jobs.map(describe) : [h("li", { class: "muted" }, "No export jobs yet.")]));
    if (jobs.some((j) => j.state === "queued" || j.state === "running")) timer = setTimeout(reload, POLL_MS);
  }
  reload().catch((err) => { error.textContent = errorText(err); });

  return section("Exports",
    h("p", { class: "muted" }, "Small projects: download straight away."),
    h("ul", {},
      formats.map((fmt) => h("li", {},
        h("a", { href: `${base}/export?format=${fmt}`, download: "" }, `All tasks (${fmt})`))),
      h("li", {}, h("a", { href: `${base}/export?format=jsonl&status=completed`, download: "" }, "Completed tasks (jsonl)")),
      h("li", {}, h("a", { href: `${base}/pay.csv`, download: "" }, "Pay records (CSV)"))),
    h("h3", {}, "Export jobs"),
    h("p", { class: "muted" }, "Large projects: the server writes the file and keeps it for download."),
    form, list);
}
