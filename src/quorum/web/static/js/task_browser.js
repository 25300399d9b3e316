// A project's tasks for its manager: a filter form, a table sortable by its time and confidence
// columns, and pages by the listing's cursor. The filters and the sort live in the page's
// address, so a view can be bookmarked and the back button returns to it; each row links to the
// task's page.

import { api, errorText } from "./api.js";
import { h } from "./dom.js";
import { pct } from "./answers.js";

const root = document.getElementById("browser");
const project = root.dataset.project;
const form = document.getElementById("filters");
const results = document.getElementById("results");
const statusLine = document.getElementById("status");
const PAGE = 50;

// The form's fields: [query parameter, label, input attributes, options of a select].
const FIELDS = [
  ["status", "Status", {}, [["", "any"], ["pending", "pending"], ["completed", "completed"],
    ["canceled", "canceled"], ["error", "error"]]],
  ["batch", "Batch", {}],
  ["tags", "Tag", {}],
  ["annotator", "Answered by", {}],
  ["text", "Text in the data", { type: "search", maxlength: 200 }],
  ["confidence_min", "Confidence at least", { type: "number", min: 0, max: 1, step: 0.01 }],
  ["confidence_max", "Confidence at most", { type: "number", min: 0, max: 1, step: 0.01 }],
  ["disagreement_min", "Disagreement at least", { type: "number", min: 0, max: 1, step: 0.01 }],
  ["is_gold", "Gold", {}, [["", "any"], ["true", "gold only"], ["false", "no gold"]]],
  ["created_after", "Created from", { type: "date" }],
  ["created_before", "Created before", { type: "date" }],
  ["completed_after", "Completed from", { type: "date" }],
  ["completed_before", "Completed before", { type: "date" }],
];
// Sortable columns: the listing's sort key, and which way a first click sorts.
const SORTABLE = { Created: "created", Completed: "completed", Confidence: "confidence", Disagreement: "disagreement" };
const SORTS = [["-created", "newest first"], ["created", "oldest first"], ["-completed", "last completed"],
  ["completed", "first completed"], ["confidence", "least confident"], ["-confidence", "most confident"],
  ["-disagreement", "most disagreement"], ["disagreement", "least disagreement"]];

let cursors = [null]; // the cursor of each page seen so far; the last is the page shown

const inputs = Object.fromEntries(FIELDS.map(([name, label, attrs, options]) => [name, options
  ? h("select", { id: `f-${name}`, name }, options.map(([v, text]) => h("option", { value: v }, text)))
  : h("input", { id: `f-${name}`, name, ...attrs })]));
inputs.sort = h("select", { id: "f-sort", name: "sort" }, SORTS.map(([v, text]) => h("option", { value: v }, text)));
form.append(
  h("div", { class: "filter-grid" },
    [...FIELDS.map(([name, label]) => [name, label]), ["sort", "Sort"]].map(([name, label]) =>
      h("div", { class: "field" }, h("label", { for: `f-${name}` }, label), inputs[name]))),
  h("div", { class: "actions" },
    h("button", { class: "primary", type: "submit" }, "Filter"),
    h("button", { type: "button", onclick: clear }, "Clear")));

/** The filters in the address, as the listing's query (dates as UTC midnight). */
function query() {
  const params = new URLSearchParams(location.search);
  const q = new URLSearchParams({ project, limit: String(PAGE) });
  for (const [name, value] of params) {
    if (!value || !(name in inputs)) continue;
    q.set(name, inputs[name].type === "date" ? `${value}T00:00:00Z` : value);
  }
  return q;
}

function fillForm() {
  const params = new URLSearchParams(location.search);
  for (const [name, input] of Object.entries(inputs)) input.value = params.get(name) ?? "";
  if (!inputs.sort.value) inputs.sort.value = "-created";
}

function setAddress(values) {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(values)) if (value && !(name === "sort" && value === "-created")) params.set(name, value);
  const search = params.toString();
  history.pushState(null, "", search ? `?${search}` : location.pathname);
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  setAddress(Object.fromEntries(Object.entries(inputs).map(([name, input]) => [name, input.value.trim()])));
  restart();
});

function clear() {
  setAddress({});
  restart();
}

function sortBy(key) {
  const current = inputs.sort.value;
  const next = current === `-${key}` ? key : `-${key}`;
  const values = Object.fromEntries(new URLSearchParams(location.search));
  setAddress({ ...values, sort: next });
  restart();
}

const when = (t) => (t ? t.slice(0, 16).replace("T", " ") : "–");
const taskHref = (id) => `/manage/${encodeURIComponent(project)}/tasks/${id}`;

function header(label) {
  const key = SORTABLE[label];
  if (!key) return h("th", { scope: "col" }, label);
  const sort = inputs.sort.value;
  const state = sort === key ? "ascending" : sort === `-${key}` ? "descending" : "none";
  return h("th", { scope: "col", "aria-sort": state },
    h("button", { type: "button", class: "link sort", onclick: () => sortBy(key) }, label,
      state === "none" ? "" : state === "ascending" ? " ▲" : " ▼"));
}

function table(page) {
  const columns = ["Task", "Status", "Batch", "Tags", "Confidence", "Disagreement", "Gold", "Created", "Completed"];
  return h("table", { id: "tasks" },
    h("caption", {}, "Tasks matching the filters. Sorting by completion, confidence or disagreement lists the tasks that have one."),
    h("thead", {}, h("tr", {}, columns.map(header))),
    h("tbody", {}, page.docs.map((t) => h("tr", {},
      h("th", { scope: "row" }, h("a", { href: taskHref(t.task_id) }, t.unique_id || t.task_id)),
      h("td", {}, t.status), h("td", {}, t.batch ?? "–"), h("td", {}, t.tags.join(", ") || "–"),
      h("td", {}, t.confidence === null ? "–" : pct(t.confidence)),
      h("td", {}, t.confidence === null ? "–" : pct(1 - t.confidence)),
      h("td", {}, t.is_gold ? "gold" : ""),
      h("td", {}, when(t.created_at)), h("td", {}, when(t.completed_at))))));
}

function pager(page) {
  const n = cursors.length;
  return h("nav", { class: "actions", "aria-label": "Pages" },
    h("button", { type: "button", id: "first-page", disabled: n === 1, onclick: () => { cursors = [null]; load(); } }, "First page"),
    h("button", { type: "button", id: "prev-page", disabled: n === 1, onclick: () => { cursors.pop(); load(); } }, "Previous page"),
    h("span", { class: "muted" }, `Page ${n}`),
    h("button", { type: "button", id: "next-page", disabled: !page.has_more,
      onclick: () => { cursors.push(page.next_cursor); load(); } }, "Next page"));
}

async function load() {
  const q = query();
  const cursor = cursors[cursors.length - 1];
  if (cursor) q.set("cursor", cursor);
  statusLine.className = "muted";
  statusLine.textContent = "Loading…";
  try {
    const counted = new URLSearchParams(q);
    for (const name of ["limit", "cursor", "sort"]) counted.delete(name);
    const [page, count] = await Promise.all([
      api("GET", `/api/tasks?${q}`), api("GET", `/api/tasks/count?${counted}`)]);
    results.replaceChildren(page.docs.length ? table(page) : h("p", {}, "No task matches these filters."), pager(page));
    statusLine.textContent = `${count.total === 1 ? "1 task matches" : `${count.total} tasks match`} the filters; ${page.docs.length} shown.`;
  } catch (err) {
    results.replaceChildren();
    statusLine.className = "error";
    statusLine.textContent = errorText(err);
  }
}

function restart() {
  cursors = [null];
  fillForm();
  load();
}

window.addEventListener("popstate", restart);
restart();
