// Audio transcription: a player driven from the keyboard (also while typing, with Alt),
// the transcript, and time-stamped segments marked at the playhead. The task starts with the
// focus on the player's keys, not in the transcript, so the page's keys work until `t`.

import { h } from "../dom.js";

const SPEEDS = [0.5, 0.75, 1, 1.25, 1.5, 2];
const round2 = (x) => Math.round(x * 100) / 100;

export function preload(params) {
  const audio = new Audio();
  audio.preload = "auto";
  audio.src = params.attachment;
}

export function summary(response) {
  return response.transcript;
}

export function create(params, ctx) {
  const hyp = ctx.hypothesis || {};
  const audio = h("audio", { controls: true, src: params.attachment, preload: "auto", "aria-label": "Clip" });
  const speed = h("output", { class: "speed", "aria-live": "polite" }, "1×");
  const transcript = h("textarea", { id: "transcript", rows: 5, value: hyp.transcript || "", lang: params.language });
  const segments = (hyp.segments || []).map((s) => ({ ...s }));
  const segList = h("ol", { class: "segments", "aria-label": "Segments" });
  let markStart = null;
  const markNote = h("p", { class: "muted", role: "status", "aria-live": "polite" });

  function drawSegments() {
    segList.replaceChildren(...segments.map((s, i) => {
      const text = h("input", { value: s.text, "aria-label": `Segment ${i + 1} text`,
        oninput: (e) => { s.text = e.target.value; } });
      const num = (key) => h("input", { type: "number", step: 0.01, min: 0, value: s[key], class: "time",
        "aria-label": `Segment ${i + 1} ${key} (seconds)`, oninput: (e) => { s[key] = Number(e.target.value); } });
      return h("li", {}, num("start"), " – ", num("end"), " ", text,
        h("button", { type: "button", class: "link", onclick: () => { segments.splice(i, 1); drawSegments(); } },
          `Remove segment ${i + 1}`));
    }));
  }
  drawSegments();

  function setSpeed(step) {
    const i = Math.max(0, Math.min(SPEEDS.length - 1, SPEEDS.indexOf(audio.playbackRate) + step));
    audio.playbackRate = SPEEDS[i] ?? 1;
    speed.textContent = `${audio.playbackRate}×`;
  }

  function mark() {
    const now = round2(audio.currentTime);
    if (markStart === null) {
      markStart = now;
      markNote.textContent = `Segment starts at ${now}s; press Alt+M again at its end.`;
      return;
    }
    const [start, end] = [Math.min(markStart, now), Math.max(markStart, now)];
    markStart = null;
    if (end <= start) { markNote.textContent = "A segment needs some length; play on and mark again."; return; }
    segments.push({ start, end, text: "" });
    segments.sort((a, b) => a.start - b.start);
    drawSegments();
    markNote.textContent = `Segment ${start}s – ${end}s added; type its words.`;
    segList.querySelectorAll("li")[segments.findIndex((s) => s.start === start)]?.querySelector("input:not(.time)")?.focus();
  }

  const actions = {
    KeyK: () => (audio.paused ? audio.play().catch(() => {}) : audio.pause()),
    KeyJ: () => { audio.currentTime = Math.max(0, audio.currentTime - 2); },
    KeyL: () => { audio.currentTime = Math.min(audio.duration || Infinity, audio.currentTime + 2); },
    Minus: () => setSpeed(-1),
    Equal: () => setSpeed(1),
    KeyM: mark,
  };

  const el = h("div", { class: "audio", tabindex: -1 },
    h("div", { class: "player" }, audio, h("span", {}, " Speed "), speed),
    h("label", { for: "transcript" }, `Transcript${params.language ? ` (${params.language})` : ""}`),
    transcript,
    h("h2", {}, params.segments_required ? "Segments (required)" : "Segments (optional)"),
    markNote, segList);

  return {
    el,
    shortcuts: [["t", "type in the transcript"], ["Alt+K", "play / pause"], ["Alt+J Alt+L", "back / forward 2 s"],
      ["Alt+- Alt+=", "slower / faster"], ["Alt+M", "mark a segment's start, then its end"]],
    focus: () => el.focus(),
    onKey(event, typing) {
      if (event.key === "t" && !typing && !event.altKey && !event.ctrlKey && !event.metaKey) {
        transcript.focus();
        return true;
      }
      const action = actions[event.code];
      if (!action || event.ctrlKey || event.metaKey || (!event.altKey && typing)) return false;
      action();
      return true;
    },
    response() {
      const text = transcript.value.trim();
      if (!text) { transcript.focus(); throw new Error("Type the transcript."); }
      const response = { transcript: text };
      if (segments.length) {
        if (segments.some((s) => !(s.end > s.start))) throw new Error("Each segment must end after it starts.");
        response.segments = segments.map((s) => ({ start: s.start, end: s.end, text: s.text }));
      } else if (params.segments_required) {
        throw new Error("Mark at least one segment (Alt+M at its start and at its end).");
      }
      return response;
    },
  };
}
