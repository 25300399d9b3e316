// Small SVG charts drawn from Quorum's JSON, with the numbers also given as a table (for
// screen readers and for anyone who wants the exact figures).

import { h } from "./dom.js";

const NS = "http://www.w3.org/2000/svg";

function s(tag, attrs = {}, ...children) {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  for (const c of children.flat(Infinity)) if (c !== null && c !== undefined) el.append(c instanceof Node ? c : String(c));
  return el;
}

// Grouped bars: one group per label, one bar per series ({name, values, cls}).
export function barChart({ title, labels, series, every = 1, width = 640, height = 220 }) {
  const pad = { l: 40, r: 8, t: 10, b: 34 };
  const max = Math.max(1, ...series.flatMap((x) => x.values));
  const innerW = width - pad.l - pad.r;
  const innerH = height - pad.t - pad.b;
  const group = innerW / Math.max(1, labels.length);
  const bar = Math.max(1, (group * 0.8) / series.length);
  const y = (v) => pad.t + innerH - (v / max) * innerH;
  const ticks = [0, Math.round(max / 2), max];
  const svg = s("svg", { viewBox: `0 0 ${width} ${height}`, class: "chart", role: "img", "aria-label": title },
    s("title", {}, title),
    ticks.map((t) => [
      s("line", { x1: pad.l, x2: width - pad.r, y1: y(t), y2: y(t), class: "grid" }),
      s("text", { x: pad.l - 4, y: y(t) + 4, "text-anchor": "end", class: "tick" }, t)]),
    labels.map((label, i) => [
      series.map((x, j) => s("rect", {
        x: pad.l + i * group + group * 0.1 + j * bar, y: y(x.values[i]), width: bar,
        height: Math.max(0, pad.t + innerH - y(x.values[i])), class: x.cls,
      }, s("title", {}, `${label}: ${x.values[i]} ${x.name}`))),
      i % every === 0 ? s("text", { x: pad.l + i * group + group / 2, y: height - pad.b + 14,
        "text-anchor": "middle", class: "tick" }, label) : null]));
  const legend = h("ul", { class: "chart-legend" }, series.map((x) => h("li", {}, h("span", { class: `swatch ${x.cls}` }), x.name)));
  return h("figure", { class: "chart-box" }, h("figcaption", {}, title), svg, legend, dataTable(title, labels, series));
}

function dataTable(title, labels, series) {
  return h("details", {}, h("summary", {}, "Show the numbers"),
    h("table", {}, h("caption", { class: "sr-only" }, title),
      h("thead", {}, h("tr", {}, h("th", { scope: "col" }, ""), series.map((x) => h("th", { scope: "col" }, x.name)))),
      h("tbody", {}, labels.map((label, i) => h("tr", {}, h("th", { scope: "row" }, label),
        series.map((x) => h("td", {}, x.values[i])))))));
}

// A confusion matrix as a table whose cells are shaded by their share of the row.
export function confusionTable({ labels, matrix }) {
  return h("div", { class: "table-scroll" }, h("table", { class: "confusion" },
    h("caption", {}, "Rows: the consensus; columns: what annotators answered. Shaded by share of the row."),
    h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "consensus \\ answer"),
      labels.map((l) => h("th", { scope: "col" }, l)))),
    h("tbody", {}, labels.map((label, i) => {
      const total = matrix[i].reduce((a, b) => a + b, 0) || 1;
      return h("tr", {}, h("th", { scope: "row" }, label), matrix[i].map((n, j) => h("td", {
        class: `${i === j ? "diag " : ""}shade-${Math.min(4, Math.floor((n / total) * 5))}`,
      }, n)));
    }))));
}
