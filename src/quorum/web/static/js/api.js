// Calls to Quorum's JSON API with the session cookie and the page's CSRF token.

export const csrf = document.querySelector('meta[name="csrf-token"]')?.content || "";

export class ApiError extends Error {
  constructor(status, message, errors) {
    super(message);
    this.status = status;
    this.errors = errors || [];
  }
}

export async function api(method, path, body, { keepalive = false } = {}) {
  const init = { method, headers: { "X-CSRF-Token": csrf }, credentials: "same-origin", keepalive };
  if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  const res = await fetch(path, init);
  if (res.status === 401) {
    window.location.assign(`/login?next=${encodeURIComponent(location.pathname)}`);
    throw new ApiError(401, "your session has ended; log in again");
  }
  if (res.status === 204) return null;
  const data = res.headers.get("content-type")?.includes("json") ? await res.json() : null;
  if (!res.ok) throw new ApiError(res.status, data?.error || res.statusText, data?.errors);
  return data;
}

// An error for a person: each field the server refused with its reason, else the message.
export const errorText = (err) => (err.errors?.length
  ? err.errors.map((e) => `${e.loc}: ${e.msg}`).join("; ") : err.message);

// `act(call)` for a panel: clears `errorEl`, runs the call, then `reload()`; a refusal is shown
// in `errorEl` in plain words instead.
export function actor(errorEl, reload) {
  return async (call) => {
    errorEl.textContent = "";
    try {
      await call();
      await reload();
    } catch (err) {
      errorEl.textContent = errorText(err);
    }
  };
}
