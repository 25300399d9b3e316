// Image annotation on an SVG laid over the image, in the image's own pixel coordinates.
// Mouse: drag to draw or move boxes, drag corners to resize, click vertices, double-click to
// finish a shape. Keyboard: a crosshair moved with the arrows places corners and vertices.

import { h } from "../dom.js";
import { preloadImage } from "./attachment.js";

const SVG = "http://www.w3.org/2000/svg";
const TOOLS = { box: "b", polygon: "p", line: "l", point: "o" };
const r1 = (v) => Math.round(Math.max(0, v) * 10) / 10;

function svg(tag, attrs = {}) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  return el;
}

function leaves(list) {
  return list.flatMap((l) => (typeof l === "string" ? [l] : l.subchoices?.length ? leaves(l.subchoices) : [l.choice]));
}

function defaultValue(spec) {
  if ((spec.type ?? "category") === "category") return spec.allow_multiple ? [] : spec.choices[0];
  return spec.type === "number" ? (spec.min ?? 0) : "";
}

export function preload(params) {
  preloadImage(params.attachment);
}

export function create(params, ctx) {
  const geometries = Object.fromEntries(Object.entries(params.geometries).filter(([, g]) => g));
  const tools = Object.keys(TOOLS).filter((t) => geometries[t]);
  const labelsOf = Object.fromEntries(tools.map((t) => [t, leaves(geometries[t].objects_to_annotate)]));
  const attrSpecs = params.annotation_attributes || {};
  const objects = (ctx.hypothesis?.annotations || []).filter((a) => geometries[a.type])
    .map((a) => ({ ...a, attributes: { ...a.attributes } }));
  let tool = tools[0];
  let label = labelsOf[tool][0];
  let selected = -1;
  let pending = []; // corners or vertices placed but not yet a shape
  let zoom = 1;
  let width = 0;
  let height = 0;
  const cross = { x: 0, y: 0 };

  const surface = svg("svg", { class: "surface", role: "img", "aria-label": "Image with annotations" });
  const image = svg("image", { href: params.attachment, x: 0, y: 0 });
  const layer = svg("g");
  surface.append(image, layer);
  const stage = h("div", { class: "stage", tabindex: 0, "aria-label":
    "Image. Arrows move the crosshair, Space places a point, Enter finishes a shape." }, surface);
  const toolbar = h("div", { class: "toolbar", role: "toolbar", "aria-label": "Tools" });
  const side = h("div", { class: "objects" });
  const live = h("p", { class: "sr-only", role: "status", "aria-live": "polite" });
  const el = h("div", { class: "imageannotation" }, toolbar, h("div", { class: "image-split" }, stage, side), live);

  const probe = new Image();
  probe.onload = () => {
    width = probe.naturalWidth;
    height = probe.naturalHeight;
    image.setAttribute("width", width);
    image.setAttribute("height", height);
    surface.setAttribute("viewBox", `0 0 ${width} ${height}`);
    cross.x = Math.round(width / 2);
    cross.y = Math.round(height / 2);
    fit();
  };
  probe.src = params.attachment;

  function fit() {
    zoom = width ? Math.min(1, (stage.clientWidth - 4) / width) || 1 : 1;
    setZoom(zoom);
  }

  function setZoom(z) {
    zoom = Math.max(0.1, Math.min(8, z));
    surface.setAttribute("width", width * zoom);
    surface.setAttribute("height", height * zoom);
    draw();
  }

  function newObject(type, geometry) {
    const attributes = Object.fromEntries(Object.entries(attrSpecs).map(([n, s]) => [n, defaultValue(s)]));
    const lab = labelsOf[type].includes(label) ? label : labelsOf[type][0];
    objects.push({ type, label: lab, attributes, ...geometry });
    selected = objects.length - 1;
    pending = [];
    live.textContent = `${lab} ${type} added.`;
    draw();
  }

  function finishVertices() {
    const need = geometries[tool].min_vertices ?? (tool === "polygon" ? 3 : 2);
    if (pending.length < need) { live.textContent = `A ${tool} needs at least ${need} points.`; return; }
    newObject(tool, { vertices: pending.map(([x, y]) => ({ x: r1(x), y: r1(y) })) });
  }

  function place(x, y) {
    x = Math.max(0, Math.min(width, x));
    y = Math.max(0, Math.min(height, y));
    if (tool === "point") return newObject("point", { x: r1(x), y: r1(y) });
    pending.push([x, y]);
    if (tool === "box" && pending.length === 2) {
      const [[x0, y0], [x1, y1]] = pending;
      if (Math.abs(x1 - x0) < 1 || Math.abs(y1 - y0) < 1) { pending = [[x1, y1]]; return draw(); }
      return newObject("box", { left: r1(Math.min(x0, x1)), top: r1(Math.min(y0, y1)),
        width: r1(Math.abs(x1 - x0)), height: r1(Math.abs(y1 - y0)) });
    }
    const max = geometries[tool].max_vertices;
    if (max && pending.length >= max) return finishVertices();
    draw();
  }

  const stroke = () => `${2 / zoom}`;

  function shapeOf(o, i) {
    const attrs = { class: `shape${i === selected ? " selected" : ""}`, "stroke-width": stroke(), "data-i": i };
    if (o.type === "box") return svg("rect", { ...attrs, x: o.left, y: o.top, width: o.width, height: o.height });
    if (o.type === "point") return svg("circle", { ...attrs, cx: o.x, cy: o.y, r: 5 / zoom });
    const points = o.vertices.map((v) => `${v.x},${v.y}`).join(" ");
    return svg(o.type === "polygon" ? "polygon" : "polyline", { ...attrs, points });
  }

  function draw() {
    layer.replaceChildren();
    objects.forEach((o, i) => {
      layer.append(shapeOf(o, i));
      if (i === selected && o.type === "box") {
        for (const [cx, cy, corner] of [[o.left, o.top, "nw"], [o.left + o.width, o.top, "ne"],
          [o.left, o.top + o.height, "sw"], [o.left + o.width, o.top + o.height, "se"]]) {
          const s = 8 / zoom;
          layer.append(svg("rect", { class: "handle", x: cx - s / 2, y: cy - s / 2, width: s, height: s, "data-corner": corner }));
        }
      }
    });
    if (pending.length) {
      const pts = [...pending, [cross.x, cross.y]];
      if (tool === "box") {
        const [[x0, y0], [x1, y1]] = pts;
        layer.append(svg("rect", { class: "pending", x: Math.min(x0, x1), y: Math.min(y0, y1),
          width: Math.abs(x1 - x0), height: Math.abs(y1 - y0), "stroke-width": stroke() }));
      } else {
        layer.append(svg("polyline", { class: "pending", points: pts.map((p) => p.join(",")).join(" "), "stroke-width": stroke() }));
      }
    }
    const c = 10 / zoom;
    layer.append(svg("path", { class: "crosshair", "stroke-width": stroke(),
      d: `M${cross.x - c},${cross.y}H${cross.x + c}M${cross.x},${cross.y - c}V${cross.y + c}` }));
    drawToolbar();
    drawSide();
  }

  function drawToolbar() {
    const labelSelect = h("select", { id: "img-label", onchange: (e) => { label = e.target.value; } },
      labelsOf[tool].map((l, i) => h("option", { value: l }, `${i < 9 ? `${i + 1}. ` : ""}${l}`)));
    labelSelect.value = label;
    toolbar.replaceChildren(
      ...tools.map((t) => h("button", { type: "button", "aria-pressed": String(t === tool),
        onclick: () => setTool(t) }, `${t} (${TOOLS[t]})`)),
      h("label", { for: "img-label" }, " Label "), labelSelect,
      h("span", { class: "muted" }, ` Zoom ${Math.round(zoom * 100)}%`));
  }

  function attributeControl(o, name, spec) {
    const id = `attr-${name}`;
    const set = (v) => { o.attributes[name] = v; };
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
      control = h("input", { id, type: spec.type === "number" ? "number" : "text", value: o.attributes[name],
        oninput: (e) => set(spec.type === "number" ? Number(e.target.value) : e.target.value) });
    }
    return h("div", { class: "field" }, h("label", { for: id }, name), control);
  }

  function drawSide() {
    const items = objects.map((o, i) => h("li", { class: i === selected ? "selected" : "" },
      h("button", { type: "button", class: "link", onclick: () => { selected = i; draw(); } }, `${i + 1}. ${o.label} (${o.type})`)));
    const o = objects[selected];
    side.replaceChildren(...[h("h2", {}, `Objects (${objects.length})`),
      items.length ? h("ol", {}, items) : h("p", { class: "muted" }, "None yet."),
      o ? h("div", { class: "stack" }, h("h3", {}, `Selected: ${selected + 1}`),
        h("div", { class: "field" }, h("label", { for: "sel-label" }, "label"),
          (() => {
            const s = h("select", { id: "sel-label", onchange: (e) => { o.label = e.target.value; draw(); } },
              labelsOf[o.type].map((l) => h("option", { value: l }, l)));
            s.value = o.label;
            return s;
          })()),
        Object.entries(attrSpecs).map(([n, s]) => attributeControl(o, n, s)),
        h("button", { type: "button", onclick: () => removeSelected() }, "Delete (Del)")) : null].filter(Boolean));
  }

  function setTool(t) {
    tool = t;
    pending = [];
    if (!labelsOf[t].includes(label)) label = labelsOf[t][0];
    draw();
  }

  function removeSelected() {
    if (selected < 0) return false;
    const [gone] = objects.splice(selected, 1);
    selected = Math.min(selected, objects.length - 1);
    live.textContent = `${gone.label} ${gone.type} deleted.`;
    draw();
    return true;
  }

  function moveSelected(dx, dy, resize) {
    const o = objects[selected];
    if (!o) return false;
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
    draw();
    return true;
  }

  // Pointer: image coordinates of an event.
  const at = (event) => {
    const p = new DOMPoint(event.clientX, event.clientY).matrixTransform(surface.getScreenCTM().inverse());
    return [p.x, p.y];
  };
  let drag = null;
  surface.addEventListener("pointerdown", (event) => {
    if (event.button !== 0) return;
    const [x, y] = at(event);
    cross.x = Math.round(x);
    cross.y = Math.round(y);
    const target = event.target;
    stage.focus();
    if (target.dataset.corner) {
      drag = { kind: "resize", corner: target.dataset.corner };
    } else if (target.dataset.i !== undefined && !pending.length) {
      selected = Number(target.dataset.i);
      drag = { kind: "move", last: [x, y] };
    } else if (tool === "box") {
      pending = [[x, y]];
      drag = { kind: "draw" };
    } else {
      place(x, y);
      return;
    }
    surface.setPointerCapture(event.pointerId);
    draw();
  });
  surface.addEventListener("pointermove", (event) => {
    const [x, y] = at(event);
    cross.x = Math.round(x);
    cross.y = Math.round(y);
    if (drag?.kind === "move") {
      moveSelected(x - drag.last[0], y - drag.last[1], false);
      drag.last = [x, y];
    } else if (drag?.kind === "resize") {
      const o = objects[selected];
      const right = o.left + o.width;
      const bottom = o.top + o.height;
      const c = drag.corner;
      const nl = c.includes("w") ? Math.min(x, right - 1) : o.left;
      const nt = c.includes("n") ? Math.min(y, bottom - 1) : o.top;
      const nr = c.includes("e") ? Math.max(x, o.left + 1) : right;
      const nb = c.includes("s") ? Math.max(y, o.top + 1) : bottom;
      Object.assign(o, { left: r1(nl), top: r1(nt), width: r1(nr - nl), height: r1(nb - nt) });
      draw();
    } else if (pending.length) draw();
  });
  surface.addEventListener("pointerup", (event) => {
    if (drag?.kind === "draw") place(...at(event));
    drag = null;
  });
  surface.addEventListener("dblclick", () => { if (tool === "polygon" || tool === "line") finishVertices(); });
  stage.addEventListener("wheel", (event) => {
    if (!event.ctrlKey) return;
    event.preventDefault();
    setZoom(zoom * (event.deltaY < 0 ? 1.2 : 1 / 1.2));
  }, { passive: false });

  const arrows = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
  draw();

  return {
    el,
    shortcuts: [
      [tools.map((t) => TOOLS[t]).join(" "), `tool: ${tools.join(", ")}`], ["1–9", "label (of the tool and the selected object)"],
      ["← ↑ → ↓", "move the crosshair (Shift: faster)"], ["Space", "place a corner, vertex or point"],
      ["Enter", "finish a polygon or line"], ["[ ]", "select the previous / next object"],
      ["Alt+arrows", "move the selected object (Alt+Shift: resize a box)"], ["Del", "delete the selected object"],
      ["+ - 0", "zoom in, out, fit"], ["Esc", "cancel the shape, deselect"],
    ],
    focus: () => stage.focus(),
    onKey(event, typing) {
      if (typing || event.ctrlKey || event.metaKey) return false;
      const key = event.key;
      if (key in arrows) {
        const step = event.shiftKey && !event.altKey ? 25 : 5;
        const [dx, dy] = arrows[key].map((d) => d * step);
        if (event.altKey) return moveSelected(dx, dy, event.shiftKey);
        cross.x = Math.max(0, Math.min(width, cross.x + dx));
        cross.y = Math.max(0, Math.min(height, cross.y + dy));
        draw();
        layer.lastChild.scrollIntoView?.({ block: "nearest", inline: "nearest" });
        return true;
      }
      if (event.altKey) return false;
      const toolKey = tools.find((t) => TOOLS[t] === key);
      if (toolKey) { setTool(toolKey); return true; }
      if (/^[1-9]$/.test(key)) {
        const n = Number(key) - 1;
        const o = objects[selected];
        if (o && labelsOf[o.type][n]) o.label = labelsOf[o.type][n];
        if (labelsOf[tool][n]) label = labelsOf[tool][n];
        draw();
        return true;
      }
      const actions = {
        " ": () => place(cross.x, cross.y),
        Enter: () => (pending.length && tool !== "box" ? (finishVertices(), true) : false),
        Escape: () => { pending = []; selected = -1; draw(); },
        "[": () => { if (objects.length) selected = (selected - 1 + objects.length) % objects.length; draw(); },
        "]": () => { if (objects.length) selected = (selected + 1) % objects.length; draw(); },
        Delete: removeSelected,
        Backspace: removeSelected,
        "+": () => setZoom(zoom * 1.25),
        "=": () => setZoom(zoom * 1.25),
        "-": () => setZoom(zoom / 1.25),
        0: fit,
      };
      if (!(key in actions)) return false;
      return actions[key]() !== false;
    },
    response() {
      if (pending.length) throw new Error("Finish the shape you are drawing (Enter) or cancel it (Esc).");
      for (const [i, o] of objects.entries()) {
        const g = geometries[o.type];
        if (o.type === "box" && (o.width < (g.min_width || 0) || o.height < (g.min_height || 0))) {
          selected = i;
          draw();
          throw new Error(`Box ${i + 1} is smaller than ${g.min_width || 0}×${g.min_height || 0} pixels.`);
        }
      }
      return { annotations: objects.map((o) => ({ ...o })), links: [], global_attributes: {} };
    },
  };
}
