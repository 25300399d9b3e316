// The admin's users page: create users, set their role, reset their password, deactivate and
// reactivate them, and list, create and revoke their API keys (a new key is shown once).

import { actor, api, errorText } from "./api.js";
import { confirmDialog, h } from "./dom.js";

const root = document.getElementById("admin-users");
const roles = root.dataset.roles.split(",");
const userPath = (name) => `/api/users/${encodeURIComponent(name)}`;
const when = (iso) => (iso ? iso.slice(0, 16).replace("T", " ") : "–");
const confirmReset = confirmDialog({ id: "confirm-reset", title: "Reset the password", action: "Set the password", danger: true });
const confirmDeactivate = confirmDialog({ id: "confirm-deactivate", title: "Deactivate the user", action: "Deactivate", danger: true });
const confirmRevoke = confirmDialog({ id: "confirm-revoke", title: "Revoke the API key", action: "Revoke", danger: true });

// The field a refusal is about: the first one its message names ("password must be…",
// "body.password: …", "a user named 'x' already exists", "unknown role 'x'").
const NAMED_BY = { name: /\bname/, email: /\bemail\b/, role: /\brole\b/, password: /\bpassword\b/ };

// A labelled input (or select) with its error line beside it.
function field(id, label, attrs = {}, options = null) {
  const error = h("p", { class: "error", id: `${id}-error` });
  const input = options
    ? h("select", { id, "aria-describedby": error.id, ...attrs }, options.map((o) => h("option", { value: o }, o)))
    : h("input", { id, "aria-describedby": error.id, ...attrs });
  return { input, error, el: h("div", { class: "field" }, h("label", { for: id }, label), input, error) };
}

// A form's fields and a line for what belongs to none of them: `run(call)` clears the old
// errors, makes the call and puts a refusal next to the field it names.
function errorsOf(fields) {
  const other = h("p", { class: "error", role: "alert" });
  async function run(call) {
    for (const f of [...Object.values(fields), { error: other }]) {
      f.error.textContent = "";
      f.input?.removeAttribute("aria-invalid");
    }
    try {
      return await call();
    } catch (err) {
      const key = Object.keys(fields).find((k) => NAMED_BY[k].test(err.message));
      (key ? fields[key].error : other).textContent = errorText(err);
      if (key) {
        fields[key].input.setAttribute("aria-invalid", "true");
        fields[key].input.focus();
      }
      return undefined;
    }
  }
  return { other, run };
}

function section(title, ...children) {
  const id = `h-${title.toLowerCase().replace(/[^a-z]+/g, "-")}`;
  return h("section", { class: "card panel", "aria-labelledby": id }, h("h2", { id }, title), ...children);
}

const statusLine = h("p", { id: "status", class: "muted", role: "status", "aria-live": "polite" });
const list = h("div", { id: "users" });
const detail = h("div", { id: "user-detail" });
let selected = null;

function createForm() {
  const fields = {
    name: field("new-name", "User name", { maxlength: 200, autocomplete: "off" }),
    email: field("new-email", "Email (optional)", { type: "email", autocomplete: "off" }),
    role: field("new-role", "Role", {}, roles),
    password: field("new-password", "Password (optional: without one they use API keys only)",
      { type: "password", autocomplete: "new-password" }),
  };
  const { other, run } = errorsOf(fields);
  const form = h("form", { id: "new-user", novalidate: true },
    h("div", { class: "form-grid" }, Object.values(fields).map((f) => f.el)),
    h("div", { class: "actions" }, h("button", { type: "submit", class: "primary" }, "Create user"), other));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const value = (k) => fields[k].input.value.trim();
    const body = { name: value("name"), role: value("role"), email: value("email") || null,
      password: fields.password.input.value || null };
    const user = await run(() => api("POST", "/api/users", body));
    if (!user) return;
    form.reset();
    statusLine.textContent = `User ${user.name} created as ${user.role}.`;
    await loadUsers();
    await select(user.name);
  });
  return section("New user", form);
}

function usersTable(users) {
  return h("table", {},
    h("caption", {}, "Everyone who can sign in or call the API. Deactivated users keep their answers and history."),
    h("thead", {}, h("tr", {}, ["Name", "Email", "Role", "Status", "Created", "Actions"].map((c) => h("th", { scope: "col" }, c)))),
    h("tbody", {}, users.map((u) => h("tr", { "data-user": u.name, class: u.is_active ? "" : "blocked" },
      h("th", { scope: "row" }, u.name), h("td", {}, u.email || "–"), h("td", {}, u.role),
      h("td", {}, u.is_active ? "active" : "deactivated"), h("td", {}, when(u.created_at)),
      h("td", {}, h("button", { type: "button", "aria-label": `Manage ${u.name}`,
        "aria-pressed": String(u.name === selected), onclick: () => select(u.name) }, "Manage"))))));
}

async function loadUsers() {
  const users = await api("GET", "/api/users");
  list.replaceChildren(usersTable(users));
  return users;
}

// Show one user's panel (again, after a change): the focus moves to its heading when it is
// new, else back to the control it was on.
async function select(name) {
  const fresh = name !== selected;
  const focused = document.activeElement?.id;
  selected = name;
  const users = await loadUsers();
  const user = users.find((u) => u.name === name);
  detail.replaceChildren(user ? userPanel(user) : "");
  const target = fresh ? detail.querySelector("h2") : focused ? document.getElementById(focused) : null;
  target?.focus();
}

function rolePart(user) {
  const fields = { role: field("role", `Role of ${user.name}`, { value: user.role }, roles) };
  const { other, run } = errorsOf(fields);
  const form = h("form", { class: "inline wrap", novalidate: true }, fields.role.el,
    h("button", { type: "submit", id: "set-role" }, "Set role"), other);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const done = await run(() => api("POST", `${userPath(user.name)}/role`, { role: fields.role.input.value }));
    if (!done) return;
    statusLine.textContent = `${user.name} is now ${done.role}.`;
    await select(user.name);
  });
  return form;
}

function passwordPart(user) {
  const fields = { password: field("password", `New password for ${user.name}`,
    { type: "password", autocomplete: "new-password" }) };
  const { other, run } = errorsOf(fields);
  const form = h("form", { class: "inline wrap", novalidate: true }, fields.password.el,
    h("button", { type: "submit" }, "Reset password"), other);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!await confirmReset(`Set a new password for ${user.name}? The browser sessions they have open end now.`)) return;
    const done = await run(() => api("POST", `${userPath(user.name)}/password`, { password: fields.password.input.value }));
    if (!done) return;
    form.reset();
    statusLine.textContent = `Password of ${user.name} reset; their open sessions ended.`;
  });
  return form;
}

function accessPart(user) {
  const error = h("p", { class: "error", role: "alert" });
  async function setActive(active) {
    if (!active && !await confirmDeactivate(`Deactivate ${user.name}? Their password, API keys and open sessions stop working at once; their answers stay.`)) return;
    error.textContent = "";
    try {
      await api("PATCH", userPath(user.name), { is_active: active });
      statusLine.textContent = `${user.name} ${active ? "activated" : "deactivated"}.`;
      await select(user.name);
    } catch (err) {
      error.textContent = errorText(err);
    }
  }
  return h("div", { class: "actions" }, user.is_active
    ? h("button", { type: "button", id: "access", class: "danger", onclick: () => setActive(false) }, `Deactivate ${user.name}`)
    : h("button", { type: "button", id: "access", onclick: () => setActive(true) }, `Activate ${user.name}`), error);
}

function keysPart(user) {
  const keys = h("div", { id: "keys" });
  const shown = h("div", { id: "new-key-box", "aria-live": "polite" });
  const error = h("p", { class: "error", role: "alert" });
  const test = h("input", { type: "checkbox", id: "key-test" });
  const create = h("button", { type: "submit" }, "Create API key");

  const act = actor(error, load);

  async function revoke(prefix) {
    if (!await confirmRevoke(`Revoke the key ${prefix}… of ${user.name}? Calls made with it are refused from the next request on.`)) return;
    await act(async () => {
      await api("POST", `${userPath(user.name)}/keys/${encodeURIComponent(prefix)}/revoke`);
      statusLine.textContent = `Key ${prefix}… revoked.`;
      if (shown.querySelector("#new-key")?.textContent.startsWith(prefix)) shown.replaceChildren();
    });
    create.focus(); // its Revoke button is gone
  }

  function showOnce(key) {
    const code = h("code", { id: "new-key" }, key);
    const copy = h("button", { type: "button", onclick: async () => {
      try {
        await navigator.clipboard.writeText(key);
        copy.textContent = "Copied";
      } catch {
        getSelection().selectAllChildren(code);
        copy.textContent = "Press Ctrl+C to copy";
      }
    } }, "Copy");
    shown.replaceChildren(h("div", { class: "card stack" },
      h("p", {}, h("strong", {}, `New API key for ${user.name}. `), "Copy it now: it is not shown again."),
      h("p", { class: "inline wrap" }, code, copy)));
  }

  async function load() {
    const rows = await api("GET", `${userPath(user.name)}/keys`);
    keys.replaceChildren(rows.length ? h("table", {},
      h("caption", {}, "Each key is known by its first characters; Quorum keeps only a digest of the rest."),
      h("thead", {}, h("tr", {}, ["Key", "Test", "Created", "Revoked", "Actions"].map((c) => h("th", { scope: "col" }, c)))),
      h("tbody", {}, rows.map((k) => h("tr", { "data-key": k.prefix, class: k.revoked_at ? "blocked" : "" },
        h("th", { scope: "row" }, h("code", {}, `${k.prefix}…`)), h("td", {}, k.is_test ? "yes" : "no"),
        h("td", {}, when(k.created_at)), h("td", {}, when(k.revoked_at)),
        h("td", {}, k.revoked_at ? "" : h("button", { type: "button", "aria-label": `Revoke key ${k.prefix}`,
          onclick: () => revoke(k.prefix) }, "Revoke"))))))
      : h("p", { class: "muted" }, "No API keys."));
  }

  const form = h("form", { class: "actions" },
    h("span", { class: "inline" }, test, h("label", { for: test.id }, "Test key (its tasks complete at once, by machine)")),
    create);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    act(async () => {
      const made = await api("POST", `${userPath(user.name)}/keys`, { test: test.checked });
      showOnce(made.api_key);
      form.reset();
    });
  });
  act(async () => {});
  return [shown, keys, form, error];
}

function userPanel(user) {
  return h("section", { class: "card panel", "aria-labelledby": "h-user" },
    h("h2", { id: "h-user", tabindex: -1 }, `${user.name} · ${user.role}${user.is_active ? "" : " · deactivated"}`),
    h("h3", {}, "Role"), rolePart(user),
    h("h3", {}, "Password"), passwordPart(user),
    h("h3", {}, "Access"), accessPart(user),
    h("h3", {}, "API keys"), ...keysPart(user));
}

root.replaceChildren(statusLine, createForm(), section("People", list), detail);
loadUsers().catch((err) => { statusLine.textContent = errorText(err); });
