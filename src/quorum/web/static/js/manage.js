// The manager's start page: every project, each linking to its dashboard.

import { api } from "./api.js";
import { h } from "./dom.js";

const holder = document.getElementById("projects");
try {
  const projects = await api("GET", "/api/projects");
  holder.replaceChildren(projects.length
    ? h("ul", { class: "project-list" }, projects.map((p) => h("li", { class: "card" },
      h("h2", {}, h("a", { href: `/manage/${encodeURIComponent(p.name)}` }, p.name)),
      h("p", { class: "muted" }, `${p.type}${p.archived ? " · archived" : ""} · created ${p.created_at.slice(0, 10)}`))))
    : h("p", {}, "No projects yet: create the first one."));
} catch (err) {
  holder.replaceChildren(h("p", { class: "error", role: "alert" }, err.message));
}
