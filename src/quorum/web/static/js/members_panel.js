// A project's members on its dashboard: add one, change a member's role, remove one. Both
// changes to someone already working are confirmed first (confirmDialog), saying what they do.

import { actor, api, errorText } from "./api.js";
import { confirmDialog, h } from "./dom.js";

const ROLES = ["annotator", "reviewer"];
const withArticle = (role) => `${/^[aeiou]/.test(role) ? "an" : "a"} ${role}`;

export function membersPanel(base, project, section) {
  const list = h("ul", { id: "members", class: "stack" });
  const error = h("p", { class: "error", role: "alert", id: "members-error" });
  const confirmRemove = confirmDialog({ id: "confirm-remove-member", title: "Remove a member", action: "Remove", danger: true });
  const confirmRole = confirmDialog({ id: "confirm-member-role", title: "Change a role", action: "Change role" });

  const act = actor(error, load);

  function item(m) {
    const role = h("select", { "aria-label": `Role of ${m.user}`, value: m.role },
      ROLES.map((r) => h("option", { value: r }, r)));
    role.addEventListener("change", async () => {
      const next = role.value;
      const sure = await confirmRole(`${m.user} becomes ${withArticle(next)} of ${project} instead of ${withArticle(m.role)}. `
        + `Answers and reviews ${m.user} already gave stay.`);
      if (!sure) { role.value = m.role; role.focus(); return; }
      await act(() => api("POST", `${base}/members`, { user: m.user, role: next }));
      list.querySelector(`select[aria-label="Role of ${CSS.escape(m.user)}"]`)?.focus();
    });
    const remove = h("button", { type: "button", "aria-label": `Remove ${m.user}` }, "Remove");
    remove.addEventListener("click", async () => {
      const sure = await confirmRemove(`Remove ${m.user} (${m.role}) from ${project}? ${m.user} is no `
        + `longer served its tasks or reviews. Answers and reviews ${m.user} already gave stay.`);
      if (!sure) { remove.focus(); return; }
      await act(() => api("DELETE", `${base}/members/${encodeURIComponent(m.user)}`));
      list.focus();
    });
    return h("li", { class: "inline wrap", "data-member": m.user }, h("span", {}, `${m.user} · ${m.role}`), role, remove);
  }

  async function load() {
    const members = await api("GET", `${base}/members`);
    list.replaceChildren(...(members.length ? members.map(item) : [h("li", { class: "muted" }, "No members yet.")]));
  }

  const form = h("form", { class: "inline wrap" },
    h("label", { for: "member-name" }, "User"), h("input", { id: "member-name", required: true, maxlength: 200 }),
    h("label", { for: "member-role" }, "Role"),
    h("select", { id: "member-role" }, ROLES.map((r) => h("option", { value: r }, r))),
    h("button", { type: "submit" }, "Add"));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    act(async () => {
      await api("POST", `${base}/members`, { user: form.querySelector("#member-name").value.trim(),
        role: form.querySelector("#member-role").value });
      form.querySelector("#member-name").value = "";
    });
  });
  list.tabIndex = -1;
  load().catch((err) => { error.textContent = errorText(err); });
  return section("Members", list, form, error);
}
