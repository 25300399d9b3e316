// Showing a task's attachment (text, image, audio, video, web page, PDF) by its type.

import { h } from "../dom.js";

export function attachmentView(type, content, html) {
  switch (type) {
    case "image":
      return h("img", { class: "attachment-image", src: content, alt: "Image to label" });
    case "audio":
      return h("audio", { controls: true, src: content, preload: "auto" });
    case "video":
      return h("video", { controls: true, src: content, class: "attachment-video" });
    case "website":
    case "pdf":
      return h("p", {}, h("a", { href: content, target: "_blank", rel: "noopener noreferrer" },
        `Open the ${type === "pdf" ? "PDF" : "web page"} in a new tab`));
    default:
      return html ? html : h("p", { class: "attachment-text" }, content);
  }
}

export function preloadImage(src) {
  const img = new Image();
  img.src = src;
}
