// The annotator's start page: their projects and how many tasks are still open to them.

import { api } from "./api.js";
import { h } from "./dom.js";

const TYPE_NAMES = {
  categorization: "Categorization", comparison: "Comparison", textcollection: "Forms and writing",
  namedentityrecognition: "Named entities", audiotranscription: "Transcription",
  imageannotation: "Image annotation",
};

const holder = document.getElementById("projects");
try {
  const projects = await api("GET", "/api/me/projects");
  if (!projects.length) {
    holder.replaceChildren(h("p", {}, "You are not a member of any project yet; ask your manager."));
  } else {
    holder.replaceChildren(h("ul", { class: "project-list" }, projects.map((p) => h("li", { class: "card" },
      h("h2", {}, p.blocked || !p.open_tasks ? p.name : h("a", { href: `/work/${encodeURIComponent(p.name)}` }, p.name)),
      h("p", { class: "muted" }, `${TYPE_NAMES[p.type] || p.type} · you are ${p.role === "reviewer" ? "a reviewer" : "an annotator"}`),
      h("p", {}, p.blocked ? "You are blocked from this project."
        : `${p.open_tasks} task${p.open_tasks === 1 ? "" : "s"} open to you · ${p.answered} answered`),
      p.blocked || !p.open_tasks ? null
        : h("a", { class: "button primary", href: `/work/${encodeURIComponent(p.name)}` }, "Start labeling")))));
  }
} catch (err) {
  holder.replaceChildren(h("p", { class: "error", role: "alert" }, err.message));
}
