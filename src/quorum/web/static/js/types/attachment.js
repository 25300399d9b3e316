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
    case "pdf": {
      const what = type === "pdf" ? "PDF" : "web page";
      const href = linkTarget(content);
      if (!href) return h("p", { class: "attachment-text attachment-refused" },
        `This ${what}'s address is not an http(s) link, so it is not opened: ${content}`);
      return h("p", {}, h("a", { href, target: "_blank", rel: "noopener noreferrer" },
        `Open the ${what} in a new tab`));
    }
    default:
      return html ? html : h("p", { class: "attachment-text" }, content);
  }
}

// Only http(s) addresses (Quorum's own /api/files/ paths resolve to one) become links: a
// javascript: or data: URL would run in Quorum's origin. The server refuses them when tasks are
// created; this also covers tasks stored before it did.
function linkTarget(content) {
  try {
    const url = new URL(content, document.baseURI);
    return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
  } catch {
    return null;
  }
}

export function preloadImage(src) {
  const img = new Image();
  img.src = src;
}
