// A project's groups on its dashboard: named groups of members, to which batches are routed
// (only a group's members are served a batch routed to it). Removing a member is confirmed first
// (confirmDialog), saying what it does.

import { actor, api, errorText } from "./api.js";
import { confirmDialog, h } from "./dom.js";

const names = (text) => text.split(",").map((n) => n.trim()).filter(Boolean);

export function groupsPanel(base, section) {
  const list = h("ul", { id: "groups", class: "stack" });
  const error = h("p", { class: "error", role: "alert", id: "groups-error" });
  const confirmRemove = confirmDialog({ id: "confirm-remove-group-member", title: "Remove from a group", action: "Remove", danger: true });

  const act = actor(error, load);

  async function removeMember(g, user, button) {
    const routed = g.batches.length ? ` The batches routed to it (${g.batches.join(", ")}) are no longer served to ${user}, unless through another of their groups.` : "";
    const sure = await confirmRemove(`Remove ${user} from ${g.name}?${routed} ${user} stays a member `
      + "of the project; answers already given stay.");
    if (!sure) { button.focus(); return; }
    await act(() => api("PATCH", `${base}/groups/${encodeURIComponent(g.name)}`, { remove: [user] }));
  }

  function groupItem(g) {
    const path = `${base}/groups/${encodeURIComponent(g.name)}`;
    const addInput = h("input", { id: `group-add-${g.id}`, maxlength: 200, required: true });
    const batchInput = h("input", { id: `group-batch-${g.id}`, maxlength: 200, required: true });
    const addForm = h("form", { class: "inline wrap" },
      h("label", { for: addInput.id }, `Add a member to ${g.name}`), addInput,
      h("button", { type: "submit" }, "Add"));
    addForm.addEventListener("submit", (event) => {
      event.preventDefault();
      act(() => api("PATCH", path, { add: [addInput.value.trim()] }));
    });
    const routeForm = h("form", { class: "inline wrap" },
      h("label", { for: batchInput.id }, `Serve a batch only to ${g.name}`), batchInput,
      h("button", { type: "submit" }, "Route"));
    routeForm.addEventListener("submit", (event) => {
      event.preventDefault();
      act(() => api("PUT", `/api/batches/${encodeURIComponent(batchInput.value.trim())}/groups`,
        { groups: [g.name] }));
    });
    return h("li", { class: "card", "data-group": g.name },
      h("h3", {}, g.name),
      h("p", {}, "Members: ", g.members.length ? g.members.map((m, i) => [i ? ", " : "", m.user, " ",
        h("button", { type: "button", class: "link", "aria-label": `Remove ${m.user} from ${g.name}`,
          onclick: (event) => removeMember(g, m.user, event.currentTarget) }, "×")]) : "none"),
      h("p", { class: "muted" }, `Batches: ${g.batches.length ? g.batches.join(", ") : "none"}`),
      addForm, routeForm,
      h("button", { type: "button", "aria-label": `Delete group ${g.name}`,
        onclick: () => act(() => api("DELETE", path)) }, "Delete group"));
  }

  async function load() {
    const groups = await api("GET", `${base}/groups`);
    list.replaceChildren(...(groups.length ? groups.map(groupItem)
      : [h("li", { class: "muted" }, "No groups: every member is served every batch.")]));
  }

  const form = h("form", { class: "inline wrap" },
    h("label", { for: "group-name" }, "Group"), h("input", { id: "group-name", required: true, maxlength: 200 }),
    h("label", { for: "group-members" }, "Members (comma-separated)"), h("input", { id: "group-members" }),
    h("button", { type: "submit" }, "Create group"));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const name = form.querySelector("#group-name").value.trim();
    act(async () => {
      await api("POST", `${base}/groups`, { name, members: names(form.querySelector("#group-members").value) });
      form.reset();
    });
  });
  load().catch((err) => { error.textContent = errorText(err); });
  return section("Groups", list, form, error);
}
