// The state of an image annotation, without the page: the objects in the image's own pixel
// coordinates, the tool and label in hand, the selected object, the corners or vertices placed
// of a shape not yet finished, and the crosshair that the keyboard moves. Its changes say, in a
// sentence for a screen reader, what they did; whoever made a change redraws. Changes to the
// objects are recorded in a history (undo, redo); a drag or a key that moves an object records
// once at its start (`remember`), the other changes record themselves.

import { History } from "../../history.js";

// The tools and their keys, in the toolbar's order.
export const TOOLS = { box: "b", polygon: "p", line: "l", point: "o" };

const r1 = (v) => Math.round(Math.max(0, v) * 10) / 10;
const clamp = (v, max) => Math.max(0, Math.min(max, v));

function leaves(list) {
  return list.flatMap((l) => (typeof l === "string" ? [l] : l.subchoices?.length ? leaves(l.subchoices) : [l.choice]));
}

function defaultValue(spec) {
  if ((spec.type ?? "category") === "category") return spec.allow_multiple ? [] : spec.choices[0];
  return spec.type === "number" ? (spec.min ?? 0) : "";
}

export class ImageModel {
  constructor(params, hypothesis, announce) {
    this.geometries = Object.fromEntries(Object.entries(params.geometries).filter(([, g]) => g));
    this.tools = Object.keys(TOOLS).filter((t) => this.geometries[t]);
    this.labelsOf = Object.fromEntries(this.tools.map((t) => [t, leaves(this.geometries[t].objects_to_annotate)]));
    this.attrSpecs = params.annotation_attributes || {};
    this.objects = (hypothesis?.annotations || []).filter((a) => this.geometries[a.type])
      .map((a) => ({ ...a, attributes: { ...a.attributes } }));
    this.announce = announce;
    this.tool = this.tools[0];
    this.label = this.labelsOf[this.tool][0];
    this.selected = -1;
    this.pending = [];
    this.width = 0;
    this.height = 0;
    this.cross = { x: 0, y: 0 };
    this.history = new History();
  }

  // What undo brings back: the objects and which one is selected.
  get state() {
    return { objects: this.objects, selected: this.selected };
  }

  remember() {
    this.history.record(this.state);
  }

  // Undo ("undo") or redo ("redo") one change; while a shape is being drawn, undo drops its
  // last corner or vertex instead. False when there is nothing to undo or redo.
  travel(way) {
    if (way === "undo" && this.pending.length) {
      this.pending.pop();
      this.announce("Last point removed.");
      return true;
    }
    const state = this.history[way](this.state);
    if (!state) return false;
    ({ objects: this.objects, selected: this.selected } = state);
    this.announce(way === "undo" ? "Undone." : "Redone.");
    return true;
  }

  get chosen() {
    return this.objects[this.selected];
  }

  // The image has loaded: its size bounds every coordinate; the crosshair starts in its middle.
  setSize(width, height) {
    this.width = width;
    this.height = height;
    this.cross = { x: Math.round(width / 2), y: Math.round(height / 2) };
  }

  pointAt(x, y) {
    this.cross = { x: Math.round(x), y: Math.round(y) };
  }

  moveCross(dx, dy) {
    this.cross = { x: clamp(this.cross.x + dx, this.width), y: clamp(this.cross.y + dy, this.height) };
  }

  setTool(t) {
    this.tool = t;
    this.pending = [];
    if (!this.labelsOf[t].includes(this.label)) this.label = this.labelsOf[t][0];
  }

  // Number key n: the tool's label n, and the selected object's where its type has one.
  pickLabel(n) {
    const o = this.chosen;
    if (o && this.labelsOf[o.type][n]) this.relabel(o, this.labelsOf[o.type][n]);
    if (this.labelsOf[this.tool][n]) this.label = this.labelsOf[this.tool][n];
  }

  relabel(o, label) {
    if (o.label === label) return;
    this.remember();
    o.label = label;
  }

  setAttribute(o, name, value) {
    this.remember();
    o.attributes[name] = value;
  }

  select(i) {
    this.selected = i;
  }

  // The previous (-1) or next (+1) object, round the list.
  step(by) {
    if (this.objects.length) this.selected = (this.selected + by + this.objects.length) % this.objects.length;
  }

  // Esc: the shape being drawn is dropped and nothing stays selected.
  cancel() {
    this.pending = [];
    this.selected = -1;
  }

  startBox(x, y) {
    this.pending = [[x, y]];
  }

  // A corner, vertex or point at (x, y): a point is an object at once, a second corner makes a
  // box, and a polygon or line ends at its type's most vertices.
  place(x, y) {
    x = clamp(x, this.width);
    y = clamp(y, this.height);
    const tool = this.tool;
    if (tool === "point") return this.add("point", { x: r1(x), y: r1(y) });
    this.pending.push([x, y]);
    if (tool === "box" && this.pending.length === 2) {
      const [[x0, y0], [x1, y1]] = this.pending;
      if (Math.abs(x1 - x0) < 1 || Math.abs(y1 - y0) < 1) { this.pending = [[x1, y1]]; return; }
      this.add("box", { left: r1(Math.min(x0, x1)), top: r1(Math.min(y0, y1)),
        width: r1(Math.abs(x1 - x0)), height: r1(Math.abs(y1 - y0)) });
      return;
    }
    const max = this.geometries[tool].max_vertices;
    if (max && this.pending.length >= max) this.finishVertices();
  }

  finishVertices() {
    const tool = this.tool;
    const need = this.geometries[tool].min_vertices ?? (tool === "polygon" ? 3 : 2);
    if (this.pending.length < need) { this.announce(`A ${tool} needs at least ${need} points.`); return; }
    this.add(tool, { vertices: this.pending.map(([x, y]) => ({ x: r1(x), y: r1(y) })) });
  }

  add(type, geometry) {
    const attributes = Object.fromEntries(Object.entries(this.attrSpecs).map(([n, s]) => [n, defaultValue(s)]));
    const label = this.labelsOf[type].includes(this.label) ? this.label : this.labelsOf[type][0];
    this.remember();
    this.objects.push({ type, label, attributes, ...geometry });
    this.selected = this.objects.length - 1;
    this.pending = [];
    this.announce(`${label} ${type} added.`);
  }

  // False when nothing is selected.
  removeSelected() {
    if (this.selected < 0) return false;
    this.remember();
    const [gone] = this.objects.splice(this.selected, 1);
    this.selected = Math.min(this.selected, this.objects.length - 1);
    this.announce(`${gone.label} ${gone.type} deleted.`);
    return true;
  }

  // The selected object moves by (dx, dy) inside the image, or a box grows by it (`resize`);
  // false when nothing is selected.
  moveSelected(dx, dy, resize) {
    const o = this.chosen;
    if (!o) return false;
    const { width, height } = this;
    if (o.type === "box" && resize) {
      o.width = r1(Math.max(1, o.width + dx));
      o.height = r1(Math.max(1, o.height + dy));
    } else if (o.type === "box") {
      o.left = r1(Math.min(width - o.width, o.left + dx));
      o.top = r1(Math.min(height - o.height, o.top + dy));
    } else if (o.type === "point") {
      o.x = r1(Math.min(width, o.x + dx));
      o.y = r1(Math.min(height, o.y + dy));
    } else {
      o.vertices = o.vertices.map((v) => ({ x: r1(Math.min(width, v.x + dx)), y: r1(Math.min(height, v.y + dy)) }));
    }
    return true;
  }

  // The selected box's corner ("nw", "ne", "sw" or "se") dragged to (x, y), at least 1 px wide.
  dragCorner(corner, x, y) {
    const o = this.chosen;
    const right = o.left + o.width;
    const bottom = o.top + o.height;
    const nl = corner.includes("w") ? Math.min(x, right - 1) : o.left;
    const nt = corner.includes("n") ? Math.min(y, bottom - 1) : o.top;
    const nr = corner.includes("e") ? Math.max(x, o.left + 1) : right;
    const nb = corner.includes("s") ? Math.max(y, o.top + 1) : bottom;
    Object.assign(o, { left: r1(nl), top: r1(nt), width: r1(nr - nl), height: r1(nb - nt) });
  }

  // Why the objects are not an answer yet (selecting a box that is too small), or null.
  problem() {
    if (this.pending.length) return "Finish the shape you are drawing (Enter) or cancel it (Esc).";
    for (const [i, o] of this.objects.entries()) {
      const g = this.geometries[o.type];
      if (o.type === "box" && (o.width < (g.min_width || 0) || o.height < (g.min_height || 0))) {
        this.selected = i;
        return `Box ${i + 1} is smaller than ${g.min_width || 0}×${g.min_height || 0} pixels.`;
      }
    }
    return null;
  }

  answer() {
    return { annotations: this.objects.map((o) => ({ ...o })), links: [], global_attributes: {} };
  }
}
