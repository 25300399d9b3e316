// An import dry run's report on the manager's upload panel: what would fail, duplicate groups,
// the text cleaning and the media checked, drawn from the API's `ImportReport`
// (POST …/tasks/import?dry_run=true). Nothing was written when it is shown.

import { h } from "./dom.js";

const SHOWN = 10; // rows of each list drawn; the counts say how many there are

function list(title, rows, total, draw) {
  if (!total) return null;
  const shown = rows.slice(0, SHOWN);
  return h("div", {}, h("h3", {}, `${title} (${total})`),
    h("ul", {}, shown.map((r) => h("li", {}, draw(r))),
      total > shown.length ? h("li", { class: "muted" }, `… and ${total - shown.length} more`) : null));
}

export function importReport(report) {
  const failing = report.records - report.valid;
  const summary = report.read_error
    ? `Reading stopped: ${report.read_error}`
    : `${report.records} records read: ${report.valid} would import, ${failing} would fail.`;
  const d = report.duplicates;
  const media = report.media;
  const changes = Object.entries(report.change_counts);
  const problems = media.items.filter((m) => m.problem || m.rotated);
  return h("div", { id: "upload-report", class: "stack" },
    h("p", { class: report.read_error || failing ? "error" : "" }, summary, " Nothing was written yet."),
    list("Records that would fail", report.errors, report.errors.length,
      (e) => `${e.where}, ${e.field}: ${e.message}`),
    list("Exact duplicates", d.exact, d.exact_count, (g) => `${g.members.join(", ")}: “${g.preview}”`),
    list("Near duplicates", d.near, d.near_count, (g) => `${g.members.join(", ")}: “${g.preview}”`),
    list("Text cleaned", changes, changes.length, ([change, n]) => `${change}: ${n}`),
    list("Media", problems, problems.length,
      (m) => `${m.where}: ${m.kind} ${m.problem || `rotated (EXIF ${m.orientation}), stored upright`}`),
    h("p", { class: "muted" }, `${media.checked} media files checked`,
      media.not_checked ? `, ${media.not_checked} not checked (not stored by Quorum)` : "", ". ",
      `Skipping exact duplicates leaves out ${report.left_out.exact}; near ones too, ${report.left_out.near}.`));
}
