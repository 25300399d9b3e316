// One line of text for an answer of any task type, for the reviewer's list of answers.

const list = (xs) => xs.join(", ") || "nothing";

function annotationsSummary(annotations, params) {
  if (!Array.isArray(annotations)) {  // a form: field -> {response: [...]}
    return list(Object.entries(annotations).map(([field, v]) => `${field}: ${JSON.stringify(v.response)}`));
  }
  const text = params.text ? Array.from(params.text) : null;
  return list(annotations.map((a) => (a.type
    ? `${a.type} ${a.label}`
    : `${a.label} “${text ? text.slice(a.start, a.end).join("") : `${a.start}–${a.end}`}”`)));
}

export function summary(response, params) {
  if (!response || typeof response !== "object") return String(response);
  if ("category" in response) return [response.category].flat().join(", ");
  if ("transcript" in response) return response.transcript;
  if ("ranking" in response) return `ranking ${response.ranking.join(" > ")}`;
  if ("choice" in response) return `prefers ${response.choice}`;
  if ("annotations" in response) return annotationsSummary(response.annotations, params);
  return JSON.stringify(response);
}
