// The annotator's own statistics: answers, time, gold accuracy as a band, earnings.

import { api } from "./api.js";
import { h } from "./dom.js";

const holder = document.getElementById("stats");
const pct = (x) => `${Math.round(x * 100)}%`;
const money = (x) => x.toFixed(2);
const duration = (s) => (s >= 3600 ? `${(s / 3600).toFixed(1)} h` : `${Math.round(s / 60)} min`);

try {
  const stats = await api("GET", "/api/me/stats");
  const tiles = [["Answers", stats.answers], ["Today", stats.answers_today],
    ["Time spent", duration(stats.time_spent_s)], ["Earnings", money(stats.earnings)]];
  holder.replaceChildren(
    h("div", { class: "tiles" }, tiles.map(([k, v]) => h("div", { class: "tile" }, h("span", { class: "muted" }, k), h("strong", {}, String(v))))),
    h("table", {},
      h("caption", {}, "By project. Accuracy is measured on check questions and shown as a range once there are enough of them."),
      h("thead", {}, h("tr", {}, ["Project", "Answers", "Skipped", "Seconds per answer", "Accuracy", "Earnings"].map((c) => h("th", { scope: "col" }, c)))),
      h("tbody", {}, stats.projects.map((p) => h("tr", {},
        h("th", { scope: "row" }, p.project), h("td", {}, p.answers), h("td", {}, p.skipped),
        h("td", {}, p.seconds_per_answer ?? "–"),
        h("td", {}, p.gold_accuracy_band ? `${pct(p.gold_accuracy_band.low)}–${pct(p.gold_accuracy_band.high)}` : "not yet measured"),
        h("td", {}, money(p.earnings)))))));
} catch (err) {
  holder.replaceChildren(h("p", { class: "error", role: "alert" }, err.message));
}
