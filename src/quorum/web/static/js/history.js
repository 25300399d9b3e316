// Undo and redo for an editor whose state is a plain value (no functions, no elements): each
// change records the state it is about to leave; undo returns to it and keeps the present for
// redo. The image and the entity workspaces share it, and its keys.

export class History {
  constructor(limit = 200) {
    this.past = [];
    this.future = [];
    this.limit = limit;
  }

  /** Call before a change, with the state as it is: a new change forgets what was undone. */
  record(state) {
    this.past.push(structuredClone(state));
    if (this.past.length > this.limit) this.past.shift();
    this.future = [];
  }

  /** The state before the last change (null when there is none); `present` goes to redo. */
  undo(present) {
    return this.#travel(this.past, this.future, present);
  }

  /** The state the last undo left (null when there is none); `present` goes back to undo. */
  redo(present) {
    return this.#travel(this.future, this.past, present);
  }

  #travel(from, to, present) {
    if (!from.length) return null;
    to.push(structuredClone(present));
    return from.pop();
  }
}

/**
 * "undo" for Ctrl/Cmd+Z, "redo" for Ctrl/Cmd+Shift+Z and Ctrl/Cmd+Y, else null. In a text box
 * the keys are the box's own (its text's undo), so `typing` gives null.
 */
export function historyKey(event, typing) {
  if (typing || event.altKey || !(event.ctrlKey || event.metaKey)) return null;
  const key = event.key.toLowerCase();
  if (key === "z") return event.shiftKey ? "redo" : "undo";
  return key === "y" && !event.shiftKey ? "redo" : null;
}

export const HISTORY_SHORTCUTS = [["Ctrl+Z", "undo"], ["Ctrl+Shift+Z Ctrl+Y", "redo"]];
