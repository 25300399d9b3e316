// The reviewer's start page: the projects they review, with the tasks waiting in each.

import { api } from "./api.js";
import { h } from "./dom.js";

const holder = document.getElementById("queues");
try {
  const queues = await api("GET", "/api/me/reviews");
  holder.replaceChildren(queues.length
    ? h("ul", { class: "project-list" }, queues.map((q) => h("li", { class: "card" },
      h("h2", {}, q.name),
      h("p", { class: "muted" }, q.type),
      h("p", {}, `${q.waiting} task${q.waiting === 1 ? "" : "s"} waiting for review`),
      q.waiting ? h("a", { class: "button primary", href: `/review/${encodeURIComponent(q.name)}` },
        `Review ${q.name}`) : null)))
    : h("p", {}, "You review no project yet; ask your manager."));
} catch (err) {
  holder.replaceChildren(h("p", { class: "error", role: "alert" }, err.message));
}
