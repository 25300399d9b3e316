// Image annotation: boxes, polygons, lines and points on the image, with labels and attributes,
// drawn with the mouse or placed with a keyboard crosshair. The state is the model
// (imageannotation/model.js), painted by the drawing (drawing.js) and changed by the input
// (input.js); this module puts the three together as the type's workspace.

import { oneLine } from "../answers.js";
import { h } from "../dom.js";
import { preloadImage } from "./attachment.js";
import { Drawing } from "./imageannotation/drawing.js";
import { bindPointer, keyHandler, shortcuts } from "./imageannotation/input.js";
import { ImageModel } from "./imageannotation/model.js";

export function preload(params) {
  preloadImage(params.attachment);
}

export function summary(response) {
  return oneLine(response.annotations.map((a) => `${a.type} ${a.label}`));
}

export function create(params, ctx) {
  const live = h("p", { class: "sr-only", role: "status", "aria-live": "polite" });
  const model = new ImageModel(params, ctx.hypothesis, (text) => { live.textContent = text; });
  const drawing = new Drawing(model, params.attachment, live);
  bindPointer(model, drawing);
  drawing.draw();

  return {
    el: drawing.el,
    shortcuts: shortcuts(model.tools),
    focus: () => drawing.stage.focus(),
    onKey: keyHandler(model, drawing),
    response() {
      const problem = model.problem();
      if (problem) {
        drawing.draw();
        throw new Error(problem);
      }
      return model.answer();
    },
  };
}
