// What the two pages that show one task at a time in its type's workspace share: the labeling
// workspace and the review. Both are laid out by the server with #status, #instructions, a
// holder for the task and the task type in the root's data-type; here are their start (the type's
// module, checked), status line, the task's Markdown, the task grid with its keys panel, the
// "nothing left" card, one action at a time with its error under the task, and the keyboard,
// which the task's view sees before the page.

import { api, errorText } from "./api.js";
import { h, isTyping, kbd } from "./dom.js";
import { taskType } from "./types/index.js";

export function say(text, cls = "muted") {
  const status = document.getElementById("status");
  status.className = cls;
  status.textContent = text;
}

export const showInstructions = () => document.getElementById("instructions").showModal();

/**
 * Loads the module of the page's task type and runs `first` with it; when either fails, the
 * reason shows in the holder and `failure` in the status line.
 */
export async function start(root, holder, first, failure) {
  try {
    await first(taskType(root.dataset.type));
  } catch (err) {
    holder.replaceChildren(h("p", { class: "error", role: "alert" }, err.message));
    say(failure, "error");
  }
}

/**
 * The task type's Markdown sources for `params` and the other texts given, rendered by the
 * server in one request: a lookup of the HTML of each ("" for any other text).
 */
export async function renderMarkdown(kind, params, ...texts) {
  const sources = [...(kind.markdownSources?.(params) ?? []), ...texts.filter(Boolean)];
  const rendered = sources.length ? (await api("POST", "/api/markdown", { texts: sources })).html : [];
  const html = new Map(sources.map((s, i) => [s, rendered[i]]));
  return (source) => html.get(source) ?? "";
}

/** The task beside the keys panel: the view's own keys, then the page's. */
export function taskGrid(main, view, pageKeys) {
  return h("div", { class: "task-grid" }, main,
    h("aside", { class: "keys", "aria-label": "Keyboard shortcuts" }, h("h2", {}, "Keys"),
      h("dl", {}, [...view.shortcuts, ...pageKeys].map(([k, what]) => [h("dt", {}, kbd(k)), h("dd", {}, what)]))));
}

/** The page's buttons under the task, and the place where an action's error shows. */
export function taskActions(...buttons) {
  return h("div", { class: "actions" }, buttons, h("p", { id: "task-error", class: "error", role: "alert" }));
}

/** The card for an empty queue: how many tasks the person got through, and a way back. */
export function doneCard({ title, did, count, href, back }) {
  return h("section", { class: "card done" },
    h("h2", {}, title),
    h("p", {}, `You ${did} ${count} task${count === 1 ? "" : "s"} in this session.`),
    h("p", {}, h("a", { href }, back)));
}

/**
 * A runner of the page's actions, one at a time: an action asked for while another is under
 * way is dropped, and the error of one that fails shows under the task.
 */
export function oneAtATime() {
  let busy = false;
  return async (action) => {
    if (busy) return;
    busy = true;
    try {
      await action();
    } catch (err) {
      document.getElementById("task-error").textContent = errorText(err);
    } finally {
      busy = false;
    }
  };
}

/**
 * The page's keyboard while a task is shown and no dialog is open. Ctrl/Cmd+Enter (when the
 * page has `ctrlEnter`) comes first, then the view's `onKey`; in a text box Esc leaves it and
 * nothing else is the page's; elsewhere an unmodified key runs its action in `keys`, except
 * Enter on a focused button, which is the button's.
 */
export function bindKeys(currentView, keys, ctrlEnter = null) {
  document.addEventListener("keydown", (event) => {
    const view = currentView();
    if (document.querySelector("dialog[open]") || !view) return;
    const typing = isTyping(event.target);
    if (ctrlEnter && event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      ctrlEnter();
      return;
    }
    if (view.onKey?.(event, typing)) {
      event.preventDefault();
      return;
    }
    if (typing) {
      if (event.key === "Escape") event.target.blur();
      return;
    }
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    const action = keys[event.key];
    if (action && !(event.key === "Enter" && event.target instanceof HTMLButtonElement)) {
      event.preventDefault();
      action();
    }
  });
}
