// What a task-type module (types/<name>.js) gives the pages that use it, the workspace and the
// review, and the check they make when they load one: a module that breaks the contract is
// reported by name and member, instead of failing somewhere in the middle of a task.

/**
 * A task-type module.
 *
 * @typedef {object} TaskTypeModule
 * @property {(params: object, ctx: ViewContext) => TaskView} create
 *   The editor of one task, filled with `ctx.hypothesis` (a pre-label, or the consensus under review).
 * @property {(response: object, params: object) => string} summary
 *   One line of text for an answer, in the reviewer's list of answers.
 * @property {(params: object) => string[]} [markdownSources]
 *   Texts of the task that the server renders as Markdown before `create`; `ctx.html` returns them.
 * @property {(params: object) => void} [preload]
 *   Starts fetching the task's media while the task before it is still being worked on.
 *
 * @typedef {object} ViewContext
 * @property {(source: string) => string} html  One of `markdownSources` as HTML ("" for any other text).
 * @property {object} [hypothesis]  The answer the editor starts from.
 *
 * @typedef {object} TaskView  What `create` returns.
 * @property {HTMLElement} el  The editor, which the page places.
 * @property {Array<[string, string]>} shortcuts  Rows of the keys panel: keys, what they do.
 * @property {() => object} response
 *   The answer; throws an Error whose message tells the annotator what is missing.
 * @property {() => void} [focus]  Puts the keyboard where the work starts: never in a text or number
 *   box, where the page's keys (s, i, digits) would be typed instead of acting.
 * @property {(event: KeyboardEvent, typing: boolean) => boolean} [onKey]
 *   Sees each key first (`typing`: the focus is in a text box); true when it used the key.
 */

// The typedefs above as the check reads them: member, whether it is required, what it must be.
const FUNCTION = ["a function", (v) => typeof v === "function"];
const MODULE = {
  "create(params, ctx)": [true, ...FUNCTION],
  "summary(response, params)": [true, ...FUNCTION],
  "markdownSources(params)": [false, ...FUNCTION],
  "preload(params)": [false, ...FUNCTION],
};
const VIEW = {
  el: [true, "an element", (v) => v instanceof HTMLElement],
  shortcuts: [true, "a list of [keys, what they do] pairs",
    (v) => Array.isArray(v) && v.every((row) => Array.isArray(row) && row.length === 2)],
  "response()": [true, ...FUNCTION],
  "focus()": [false, ...FUNCTION],
  "onKey(event, typing)": [false, ...FUNCTION],
};

function problems(spec, value) {
  return Object.entries(spec).flatMap(([member, [required, what, passes]]) => {
    const v = value?.[member.split("(")[0]];
    if (v === undefined) return required ? [`${member} is missing`] : [];
    return passes(v) ? [] : [`${member} is not ${what}`];
  });
}

function refuse(name, found, where = "") {
  if (found.length) {
    throw new Error(`The workspace of task type ${name} breaks its contract: ${where}${found.join("; ")}.`);
  }
}

/**
 * The module of task type `name`, checked: throws naming each member that breaks the contract,
 * and its `create` throws the same way for a view that does.
 *
 * @param {string} name
 * @param {object} module
 * @returns {TaskTypeModule}
 */
export function checked(name, module) {
  refuse(name, problems(MODULE, module));
  return Object.freeze({
    ...module,
    create(params, ctx) {
      const view = module.create(params, ctx);
      refuse(name, problems(VIEW, view), "create(params, ctx) returned a view whose ");
      return view;
    },
  });
}
