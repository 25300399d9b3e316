// The reviewer's list of a task's answers: who gave each, whether it agrees with the consensus,
// and the answer in one line, as the module of the task's type summarises it.

import { h } from "./dom.js";

export const pct = (x) => `${Math.round(x * 100)}%`;

/** The parts of an answer on one line; an answer without any reads "nothing". */
export const oneLine = (parts) => parts.join(", ") || "nothing";

export function answersPanel(kind, item) {
  const differ = item.answers.filter((a) => !a.agrees).length;
  return h("section", { class: "task-body answers", "aria-labelledby": "answers-title" },
    h("h2", { id: "answers-title" }, `Answers (${item.answers.length}, ${differ} differ from the consensus)`),
    h("ol", { class: "answer-list" }, item.answers.map((a) => h("li", { class: a.agrees ? "agree" : "disagree" },
      h("span", { class: "who" }, a.annotator),
      h("span", { class: "verdict" }, a.agrees ? "agrees" : "differs",
        a.agreement === null ? "" : ` (${pct(a.agreement)})`),
      h("span", { class: "what" }, kind.summary(a.response, item.params)),
      a.corrected ? h("span", { class: "muted" }, " (corrected by its annotator)") : null,
      a.time_spent_s ? h("span", { class: "muted" }, ` ${Math.round(a.time_spent_s)} s`) : null))),
    item.audits.length ? h("p", { class: "muted" }, `Earlier verdicts: ${item.audits.map((x) => x.audit_result).join(", ")}`) : null);
}
