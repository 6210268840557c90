// The JSON API client: same-origin requests with the session cookie; errors carry the
// server's {error, message}. A 401 means "log in".

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message || code || `HTTP ${status}`);
    this.status = status;
    this.code = code;
  }
}

export async function api(path, { method = "GET", body } = {}) {
  const headers = { accept: "application/json" };
  if (body !== undefined) headers["content-type"] = "application/json";
  const res = await fetch(path, {
    method,
    headers,
    credentials: "same-origin",
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = await res.json().catch(() => null);
  if (!res.ok) throw new ApiError(res.status, data?.error, data?.message);
  return data;
}

export const login = (username, password) =>
  api("/api/v1/session", {
    method: "POST",
    body: { username, password, device_name: "Bảng điều khiển cấp ủy (trình duyệt)" },
  });
export const logout = () => api("/api/v1/session", { method: "DELETE" }).catch(() => null);
export const me = () => api("/api/v1/me");
const q = (params) =>
  new URLSearchParams(Object.entries(params).filter(([, v]) => v !== undefined && v !== "")).toString();
export const units = (as_of) => api(`/api/v1/units?${q({ as_of })}`);
export const grid = (committee, year) => api(`/api/v1/ratings/grid?${q({ committee, year })}`);
export const stats = (committee, year) => api(`/api/v1/ratings/stats?${q({ committee, year, by: "month" })}`);
export const rollup = (committee, year) => api(`/api/v1/ratings/rollup?${q({ committee, year })}`);
export const queue = (committee) => api(`/api/v1/ratings/queue?${q({ committee })}`);
export const cellYear = (cell, year) =>
  api(`/api/v1/ratings/cells/${encodeURIComponent(cell)}/year/${encodeURIComponent(year)}`);
export const score = (id) => api(`/api/v1/meetings/${encodeURIComponent(id)}/score`);
export const minutes = (id) => api(`/api/v1/meetings/${encodeURIComponent(id)}/minutes`);
export const review = (id, body) =>
  api(`/api/v1/meetings/${encodeURIComponent(id)}/review`, { method: "POST", body });
export const exportUrl = (name, committee, year) => `/api/v1/exports/${name}?${q({ committee, year })}`;
