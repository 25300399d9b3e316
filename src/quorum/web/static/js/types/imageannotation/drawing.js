// The image annotation drawn: an SVG laid over the image in the image's own pixel coordinates,
// zoomed, each shape with its number and label written at it, with the toolbar (tools, label,
// zoom) and the list of objects with the selected one's label and attributes. `draw` paints the model again after each change; the controls drawn
// here change the model themselves.

import { h } from "../../dom.js";
import { TOOLS } from "./model.js";

const SVG = "http://www.w3.org/2000/svg";
const POINT_RADIUS = 7; // screen pixels, at any zoom

function svg(tag, attrs = {}) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  return el;
}

export class Drawing {
  constructor(model, src, live) {
    this.model = model;
    this.zoom = 1;
    this.surface = svg("svg", { class: "surface", role: "img", "aria-label": "Image with annotations" });
    this.image = svg("image", { href: src, x: 0, y: 0 });
    this.layer = svg("g");
    this.surface.append(this.image, this.layer);
    this.stage = h("div", { class: "stage", tabindex: 0, "aria-label":
      "Image. Arrows move the crosshair, Space places a point, Enter finishes a shape." }, this.surface);
    this.toolbar = h("div", { class: "toolbar", role: "toolbar", "aria-label": "Tools" });
    this.side = h("div", { class: "objects" });
    this.el = h("div", { class: "imageannotation" }, this.toolbar, h("div", { class: "image-split" }, this.stage, this.side), live);

    const probe = new Image();
    probe.onload = () => {
      model.setSize(probe.naturalWidth, probe.naturalHeight);
      this.image.setAttribute("width", model.width);
      this.image.setAttribute("height", model.height);
      this.surface.setAttribute("viewBox", `0 0 ${model.width} ${model.height}`);
      this.fit();
    };
    probe.src = src;
  }

  // The whole image in the stage's width, never above 100%.
  fit() {
    const { width } = this.model;
    this.setZoom(width ? Math.min(1, (this.stage.clientWidth - 4) / width) || 1 : 1);
  }

  setZoom(z) {
    this.zoom = Math.max(0.1, Math.min(8, z));
    this.surface.setAttribute("width", this.model.width * this.zoom);
    this.surface.setAttribute("height", this.model.height * this.zoom);
    this.draw();
  }

  // The image coordinates of a pointer event.
  at(event) {
    const p = new DOMPoint(event.clientX, event.clientY).matrixTransform(this.surface.getScreenCTM().inverse());
    return [p.x, p.y];
  }

  // Scrolls the crosshair (drawn last) into view.
  revealCross() {
    this.layer.lastChild.scrollIntoView?.({ block: "nearest", inline: "nearest" });
  }

  draw() {
    const { objects, selected, pending, tool, cross } = this.model;
    const stroke = `${2 / this.zoom}`;
    const layer = this.layer;
    layer.replaceChildren();
    objects.forEach((o, i) => {
      layer.append(this.shapeOf(o, i, stroke), this.tagOf(o, i));
      if (i === selected && o.type === "box") {
        for (const [cx, cy, corner] of [[o.left, o.top, "nw"], [o.left + o.width, o.top, "ne"],
          [o.left, o.top + o.height, "sw"], [o.left + o.width, o.top + o.height, "se"]]) {
          const s = 8 / this.zoom;
          layer.append(svg("rect", { class: "handle", x: cx - s / 2, y: cy - s / 2, width: s, height: s, "data-corner": corner }));
        }
      }
    });
    if (pending.length) {
      const pts = [...pending, [cross.x, cross.y]];
      if (tool === "box") {
        const [[x0, y0], [x1, y1]] = pts;
        layer.append(svg("rect", { class: "pending", x: Math.min(x0, x1), y: Math.min(y0, y1),
          width: Math.abs(x1 - x0), height: Math.abs(y1 - y0), "stroke-width": stroke }));
      } else {
        layer.append(svg("polyline", { class: "pending", points: pts.map((p) => p.join(",")).join(" "), "stroke-width": stroke }));
      }
    }
    const c = 10 / this.zoom;
    layer.append(svg("path", { class: "crosshair", "stroke-width": stroke,
      d: `M${cross.x - c},${cross.y}H${cross.x + c}M${cross.x},${cross.y - c}V${cross.y + c}` }));
    this.drawToolbar();
    this.drawSide();
  }

  shapeOf(o, i, stroke) {
    const attrs = { class: `shape${i === this.model.selected ? " selected" : ""}`, "stroke-width": stroke, "data-i": i };
    if (o.type === "box") return svg("rect", { ...attrs, x: o.left, y: o.top, width: o.width, height: o.height });
    if (o.type === "point") return svg("circle", { ...attrs, cx: o.x, cy: o.y, r: POINT_RADIUS / this.zoom });
    const points = o.vertices.map((v) => `${v.x},${v.y}`).join(" ");
    return svg(o.type === "polygon" ? "polygon" : "polyline", { ...attrs, points });
  }

  // "1 car" written above the shape's top left corner (inside the image near its top edge), the
  // same size on screen at any zoom.
  tagOf(o, i) {
    const [x, y] = o.type === "box" ? [o.left, o.top] : o.type === "point" ? [o.x + POINT_RADIUS / this.zoom, o.y]
      : [Math.min(...o.vertices.map((v) => v.x)), Math.min(...o.vertices.map((v) => v.y))];
    const size = 14 / this.zoom;
    const tag = svg("text", { class: `tag${i === this.model.selected ? " selected" : ""}`, x,
      y: y - size * 0.3 < size ? y + size * 1.1 : y - size * 0.3, "font-size": size, "stroke-width": 3 / this.zoom });
    tag.textContent = `${i + 1} ${o.label}`;
    return tag;
  }

  drawToolbar() {
    const model = this.model;
    const labelSelect = h("select", { id: "img-label", onchange: (e) => { model.label = e.target.value; } },
      model.labelsOf[model.tool].map((l, i) => h("option", { value: l }, `${i < 9 ? `${i + 1}. ` : ""}${l}`)));
    labelSelect.value = model.label;
    this.toolbar.replaceChildren(
      ...model.tools.map((t) => h("button", { type: "button", "aria-pressed": String(t === model.tool),
        onclick: () => { model.setTool(t); this.draw(); } }, `${t} (${TOOLS[t]})`)),
      h("label", { for: "img-label" }, " Label "), labelSelect,
      h("span", { class: "muted" }, ` Zoom ${Math.round(this.zoom * 100)}%`));
  }

  drawSide() {
    const model = this.model;
    const { objects, selected } = model;
    const items = objects.map((o, i) => h("li", { class: i === selected ? "selected" : "" },
      h("button", { type: "button", class: "link", onclick: () => { model.select(i); this.draw(); } },
        `${i + 1}. ${o.label} (${o.type})`)));
    const o = model.chosen;
    this.side.replaceChildren(...[h("h2", {}, `Objects (${objects.length})`),
      items.length ? h("ol", {}, items) : h("p", { class: "muted" }, "None yet."),
      o ? h("div", { class: "stack" }, h("h3", {}, `Selected: ${selected + 1}`),
        h("div", { class: "field" }, h("label", { for: "sel-label" }, "label"), this.labelSelect(o)),
        Object.entries(model.attrSpecs).map(([n, s]) => attributeControl(model, o, n, s)),
        h("button", { type: "button", onclick: () => { if (model.removeSelected()) this.draw(); } },
          "Delete (Del)")) : null].filter(Boolean));
  }

  labelSelect(o) {
    const select = h("select", { id: "sel-label", onchange: (e) => { this.model.relabel(o, e.target.value); this.draw(); } },
      this.model.labelsOf[o.type].map((l) => h("option", { value: l }, l)));
    select.value = o.label;
    return select;
  }
}

// The control of one of an object's attributes: a choice, several choices, a number or text
// (whose typing, from focus to blur, is one change for undo).
function attributeControl(model, o, name, spec) {
  const id = `attr-${name}`;
  const set = (v) => model.setAttribute(o, name, v);
  let control;
  if ((spec.type ?? "category") === "category" && !spec.allow_multiple) {
    control = h("select", { id, onchange: (e) => set(e.target.value) }, spec.choices.map((c) => h("option", { value: c }, c)));
    control.value = o.attributes[name];
  } else if ((spec.type ?? "category") === "category") {
    control = h("span", { id, role: "group" }, spec.choices.map((c, k) => h("span", {}, h("input", {
      type: "checkbox", id: `${id}-${k}`, checked: o.attributes[name].includes(c),
      onchange: (e) => set(e.target.checked ? [...o.attributes[name], c] : o.attributes[name].filter((x) => x !== c)),
    }), h("label", { for: `${id}-${k}` }, c))));
  } else {
    let typed = false;
    control = h("input", { id, type: spec.type === "number" ? "number" : "text", value: o.attributes[name],
      onfocus: () => { typed = false; },
      oninput: (e) => {
        const v = spec.type === "number" ? Number(e.target.value) : e.target.value;
        if (typed) o.attributes[name] = v;
        else set(v);
        typed = true;
      } });
  }
  return h("div", { class: "field" }, h("label", { for: id }, name), control);
}
