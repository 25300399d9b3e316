// The image annotation's input: the mouse draws and edits on the drawing's surface, and the
// keyboard (`onKey`, which the page calls) drives a crosshair that places corners and vertices.
// Each handler changes the model, then has the drawing paint it.

import { HISTORY_SHORTCUTS, historyKey } from "../../history.js";
import { TOOLS } from "./model.js";

const ARROWS = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };

export function shortcuts(tools) {
  return [
    [tools.map((t) => TOOLS[t]).join(" "), `tool: ${tools.join(", ")}`], ["1–9", "label (of the tool and the selected object)"],
    ["← ↑ → ↓", "move the crosshair (Shift: faster)"], ["Space", "place a corner, vertex or point"],
    ["Enter", "finish a polygon or line"], ["[ ]", "select the previous / next object"],
    ["Alt+arrows", "move the selected object (Alt+Shift: resize a box)"], ["Del", "delete the selected object"],
    ["+ - 0", "zoom in, out, fit"], ["Esc", "cancel the shape, deselect"], ...HISTORY_SHORTCUTS,
  ];
}

// Mouse: drag to draw or move boxes, drag corners to resize, click vertices, double-click to
// finish a shape, Ctrl+wheel to zoom.
export function bindPointer(model, drawing) {
  const { surface, stage } = drawing;
  let drag = null;
  surface.addEventListener("pointerdown", (event) => {
    if (event.button !== 0) return;
    const [x, y] = drawing.at(event);
    model.pointAt(x, y);
    const target = event.target;
    stage.focus();
    if (target.dataset.corner) {
      drag = { kind: "resize", corner: target.dataset.corner };
    } else if (target.dataset.i !== undefined && !model.pending.length) {
      model.select(Number(target.dataset.i));
      drag = { kind: "move", last: [x, y] };
    } else if (model.tool === "box") {
      model.startBox(x, y);
      drag = { kind: "draw" };
    } else {
      model.place(x, y);
      drawing.draw();
      return;
    }
    surface.setPointerCapture(event.pointerId);
    drawing.draw();
  });
  surface.addEventListener("pointermove", (event) => {
    const [x, y] = drawing.at(event);
    model.pointAt(x, y);
    if (drag && drag.kind !== "draw" && !drag.recorded) {
      model.remember(); // once per drag, at its first move
      drag.recorded = true;
    }
    if (drag?.kind === "move") {
      model.moveSelected(x - drag.last[0], y - drag.last[1], false);
      drag.last = [x, y];
    } else if (drag?.kind === "resize") {
      model.dragCorner(drag.corner, x, y);
    } else if (!model.pending.length) return;
    drawing.draw();
  });
  surface.addEventListener("pointerup", (event) => {
    if (drag?.kind === "draw") {
      model.place(...drawing.at(event));
      drawing.draw();
    }
    drag = null;
  });
  surface.addEventListener("dblclick", () => {
    if (model.tool !== "polygon" && model.tool !== "line") return;
    model.finishVertices();
    drawing.draw();
  });
  stage.addEventListener("wheel", (event) => {
    if (!event.ctrlKey) return;
    event.preventDefault();
    drawing.setZoom(drawing.zoom * (event.deltaY < 0 ? 1.2 : 1 / 1.2));
  }, { passive: false });
}

// The keys of the image, as the page's `onKey`: true when the key was used.
export function keyHandler(model, drawing) {
  const changed = () => { drawing.draw(); return true; };
  const actions = {
    " ": () => { model.place(model.cross.x, model.cross.y); return changed(); },
    Enter: () => (model.pending.length && model.tool !== "box" ? (model.finishVertices(), changed()) : false),
    Escape: () => { model.cancel(); return changed(); },
    "[": () => { model.step(-1); return changed(); },
    "]": () => { model.step(1); return changed(); },
    Delete: () => model.removeSelected() && changed(),
    Backspace: () => model.removeSelected() && changed(),
    "+": () => { drawing.setZoom(drawing.zoom * 1.25); return true; },
    "=": () => { drawing.setZoom(drawing.zoom * 1.25); return true; },
    "-": () => { drawing.setZoom(drawing.zoom / 1.25); return true; },
    0: () => { drawing.fit(); return true; },
  };
  return (event, typing) => {
    const way = historyKey(event, typing);
    if (way) return model.travel(way) ? changed() : true;
    if (typing || event.ctrlKey || event.metaKey) return false;
    const key = event.key;
    if (key in ARROWS) {
      const step = event.shiftKey && !event.altKey ? 25 : 5;
      const [dx, dy] = ARROWS[key].map((d) => d * step);
      if (event.altKey) {
        if (!model.chosen) return false;
        model.remember();
        return model.moveSelected(dx, dy, event.shiftKey) && changed();
      }
      model.moveCross(dx, dy);
      changed();
      drawing.revealCross();
      return true;
    }
    if (event.altKey) return false;
    const tool = model.tools.find((t) => TOOLS[t] === key);
    if (tool) { model.setTool(tool); return changed(); }
    if (/^[1-9]$/.test(key)) { model.pickLabel(Number(key) - 1); return changed(); }
    return key in actions ? actions[key]() : false;
  };
}
