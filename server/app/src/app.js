// The app's data layer: Automerge repo over IndexedDB + the server's /sync, regular meetings from
// deterministic genesis, and the plain sync state (saved on this phone / sending / everything sent).
import { Repo, Automerge } from "@automerge/automerge-repo/slim";
import { IndexedDBStorageAdapter } from "@automerge/automerge-repo-storage-indexeddb";
import { WebSocketClientAdapter } from "@automerge/automerge-repo-network-websocket";
import * as core from "./wasm/core.js";
import { applyOp, toRecord } from "./edit.js";
import { conflicts as findConflicts, pick } from "./conflicts.js";

const BASE = import.meta.env.BASE_URL; // "/app/"
export const api = (path) => new URL(path, location.origin).toString();

/** Logged-in user info (from /api/v1/me), kept for offline starts. */
export const session = {
  get me() { try { return JSON.parse(localStorage.getItem("me") || "null"); } catch { return null; } },
  set me(v) { if (v) localStorage.setItem("me", JSON.stringify(v)); else localStorage.removeItem("me"); },
};

/** POST /api/v1/session, then /api/v1/me; the `sync_session` cookie rides on every later request. */
export async function login(username, password) {
  const res = await fetch(api("/api/v1/session"), {
    method: "POST", headers: { "content-type": "application/json" }, credentials: "same-origin",
    body: JSON.stringify({ username, password, device_name: `Field app ${navigator.platform || ""}`.trim() }),
  });
  if (!res.ok) throw new Error(`login ${res.status}`);
  const me = await (await fetch(api("/api/v1/me"), { credentials: "same-origin" })).json();
  const cell = me.units?.find((u) => me.roles?.some((r) => r.unit_id === u.id)) ?? me.units?.[0];
  session.me = { user: me.user, cell: cell ? { code: cell.code, name: cell.name, path: cell.path } : null };
  return session.me;
}

/** The one repo of the page. */
export let repo = null;
const listeners = new Set();
/** Subscribes to sync-state changes. */
export const onSyncState = (fn) => (listeners.add(fn), () => listeners.delete(fn));
const serverHeads = new Map(); // docId -> heads the server last reported
const answers = new Map(); // docId -> how many messages the server sent about it
const state = { connected: false, startedAt: 0, lastSync: Number(localStorage.getItem("lastSync") || 0) || null };
const unsent = new Set(JSON.parse(localStorage.getItem("unsent") || "[]"));
const saveUnsent = () => localStorage.setItem("unsent", JSON.stringify([...unsent]));

/** "local" (saved on this phone), "sending" or "sent", with the last sync time. */
export function syncState() {
  const kind = unsent.size === 0 ? "sent" : state.connected ? "sending" : "local";
  return { kind, connected: state.connected, lastSync: state.lastSync, unsent: [...unsent] };
}
const notify = () => { for (const fn of listeners) fn(syncState()); };

function sameHeads(a, b) { return a && b && a.length === b.length && a.every((h) => b.includes(h)); }

function checkSent(docId) {
  const handle = repo.handles[docId];
  if (!handle || !unsent.has(docId)) return;
  const doc = handle.isReady() ? handle.doc() : null;
  if (doc && sameHeads(Automerge.getHeads(doc), serverHeads.get(docId))) {
    unsent.delete(docId); saveUnsent();
    state.lastSync = Date.now(); localStorage.setItem("lastSync", String(state.lastSync));
    notify();
  }
}

/** Starts the repo (IndexedDB + WebSocket with a 1 s retry) once the user is known. */
export function startRepo() {
  if (repo) return repo;
  state.startedAt = Date.now();
  const wsUrl = `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/sync`;
  repo = new Repo({
    storage: new IndexedDBStorageAdapter("chibo-minutes"),
    network: [new WebSocketClientAdapter(wsUrl, 1000)],
    sharePolicy: async () => true,
  });
  const net = repo.networkSubsystem;
  net.on("peer", () => { state.connected = true; notify(); for (const id of unsent) track(id); });
  net.on("peer-disconnected", () => { state.connected = repo.peers.length > 0; notify(); });
  net.on("message", (msg) => {
    if (!msg.documentId || !msg.data || (msg.type !== "sync" && msg.type !== "request")) return;
    try {
      const decoded = Automerge.decodeSyncMessage(msg.data);
      serverHeads.set(msg.documentId, decoded.heads);
      state.lastSync = Date.now(); localStorage.setItem("lastSync", String(state.lastSync));
      setTimeout(() => checkSent(msg.documentId), 50);
      notify();
    } catch { /* not a sync message we can read: ignore */ }
  });
  net.on("message", (msg) => { if (msg.documentId) answers.set(msg.documentId, (answers.get(msg.documentId) ?? 0) + 1); });
  for (const id of unsent) track(id);
  return repo;
}

/** Loads a document so the repo syncs it (unsent edits go out as soon as a peer is there). */
async function track(docId) {
  try { await repo.find(docId, { allowableStates: ["ready", "unavailable"] }); } catch { /* retried on next peer */ }
}

/** Resolves once `pred()` holds or after `ms`. */
const until = (pred, ms) => new Promise((resolve) => {
  const end = Date.now() + ms;
  const tick = () => (pred() || Date.now() > end ? resolve() : setTimeout(tick, 50));
  tick();
});

/** Asks the server for a document again, as automerge-repo's first request does (a sync message
 * of an empty document); its answer makes an "unavailable" handle ready if the server has it.
 * automerge-repo 2.5.6 has no public way to do this (upstream issue automerge-repo#293, open):
 * `find` answers a cached "unavailable" at once; `shareConfigChanged()` restarts sync only with
 * peers the document's synchronizer does not already hold, and the server stays held after its
 * `doc-unavailable`; `removeFromCache` (marked @hidden) calls `handle.doc()`, which throws for an
 * unavailable handle. So this sends the request itself through `repo.networkSubsystem`. */
function ask(docId) {
  const [, data] = Automerge.generateSyncMessage(Automerge.init(), Automerge.initSyncState());
  for (const targetId of repo.peers) repo.networkSubsystem.send({ type: "request", targetId, documentId: docId, data });
}

/** The handle of `docId`: ready when this device or the server has the document, else
 * "unavailable". automerge-repo decides "unavailable" once and keeps it for the page's life: when
 * the socket has not joined within 1 s of opening (a slow phone or server), and when the server
 * did not have it at the first look (another phone of the cell made the meeting since). So while
 * online, wait for the server and ask it again before saying the document is not there. */
async function lookup(docId) {
  const handle = await repo.find(docId, { allowableStates: ["ready", "unavailable"] });
  if (handle.isReady() || !navigator.onLine) return handle;
  // Only while the socket is still joining: a server that cannot be reached at all (a captive
  // portal, no signal behind the access point) must not slow every lookup down.
  await until(() => state.connected, Math.max(0, state.startedAt + 5000 - Date.now()));
  if (!state.connected) return handle;
  const before = answers.get(docId) ?? 0;
  ask(docId);
  await until(() => handle.isReady() || (answers.get(docId) ?? 0) > before || !state.connected, 5000);
  return handle;
}

/** Applies ops to a document as one change and marks it unsent. */
export function edit(handle, ...ops) {
  handle.change((d) => { for (const op of ops) applyOp(d, op); });
  unsent.add(handle.documentId); saveUnsent(); notify();
  setTimeout(() => checkSent(handle.documentId), 0);
}

/** Months shown: twelve back from this month, and the next one. */
export function periods(now = new Date()) {
  const out = [];
  for (let i = -1; i < 12; i++) {
    const d = new Date(now.getFullYear(), now.getMonth() - i, 1);
    out.push(`${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}`);
  }
  return out;
}

export const previousPeriod = (p) => {
  const [y, m] = p.split("-").map(Number);
  const d = new Date(y, m - 2, 1);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}`;
};

/** The genesis of a cell's regular meeting (fetched; the service worker keeps it for offline). */
export async function fetchGenesis(cell, period) {
  const res = await fetch(api(`/api/v1/genesis/meeting?cell=${encodeURIComponent(cell)}&period=${period}`), { credentials: "same-origin" });
  if (!res.ok) throw new Error(`genesis ${res.status}`);
  return { docId: res.headers.get("x-document-id"), bytes: new Uint8Array(await res.arrayBuffer()) };
}

/** Warms the service worker's cache with the genesis of the months around today. */
export async function prefetchGenesis(cell) {
  if ("serviceWorker" in navigator && import.meta.env.PROD && !navigator.serviceWorker.controller) {
    await new Promise((resolve) => {
      navigator.serviceWorker.addEventListener("controllerchange", resolve, { once: true });
      setTimeout(resolve, 10000);
    });
  }
  for (const p of periods().slice(0, 3)) { try { await fetchGenesis(cell, p); } catch { /* offline */ } }
}

/** Keeps the cell's members (for rosters of new meetings) on the device while online. */
export async function prefetchMembers(cell) {
  try {
    const res = await fetch(api(`/api/v1/cells/${encodeURIComponent(cell)}/members`), { credentials: "same-origin" });
    if (res.ok) localStorage.setItem(`members:${cell}`, JSON.stringify(await res.json()));
  } catch { /* offline: keep the last list */ }
}

/** The meeting of `period` if this device (or the server) has it, else null. */
export async function findMeeting(cell, period) {
  const handle = await lookup(core.regularMeetingId(cell, period));
  return handle.isReady() ? handle : null;
}

/** Starts the regular meeting of `period`: imports the deterministic genesis under the derived
 * id when `repo.find` says it is not there (never re-import over stored history), then prefills
 * it from last month (roster, chair, follow-ups of its tasks) and the agenda template. */
export async function startMeeting(cell, period) {
  const docId = core.regularMeetingId(cell, period);
  const existing = await lookup(docId);
  if (existing.isReady()) return existing;
  const genesis = await fetchGenesis(cell, period);
  if (genesis.docId !== docId) throw new Error(`genesis id ${genesis.docId} differs from ${docId}`);
  const handle = repo.import(genesis.bytes, { docId });
  const prev = await findMeeting(cell, previousPeriod(period)).catch(() => null);
  const members = JSON.parse(localStorage.getItem(`members:${cell}`) || "[]");
  edit(handle, ...prefillOps(prev ? toRecord(prev.doc()) : null, session.me?.cell, members));
  return handle;
}

const AGENDA = [
  ["a1", "mo_dau", "Tuyên bố lý do, giới thiệu đại biểu, thông qua chương trình"],
  ["a2", "noi_dung", "Đánh giá kết quả thực hiện nhiệm vụ tháng trước"],
  ["a3", "noi_dung", "Phương hướng, nhiệm vụ tháng tới"],
  ["a4", "noi_dung", "Thảo luận, phát biểu ý kiến"],
  ["a5", "ket_thuc", "Thông qua biên bản, kết luận, bế mạc"],
];

/** The template ops of a new regular meeting. */
export function prefillOps(prev, cell, members = []) {
  const ops = [];
  if (cell?.name) ops.push({ op: "replaceText", field: "cellName", value: cell.name });
  if (cell?.path?.length) ops.push({ op: "setOrgPathSnapshot", entries: cell.path.map((p) => ({ unitId: p.code ?? p.id ?? "", name: p.name ?? "" })) });
  for (const [id, part, title] of AGENDA) ops.push({ op: "addAgendaItem", item: { id, part, title, done: false } });
  const prevRoster = Object.entries(prev?.roster ?? {});
  if (prevRoster.length) {
    for (const [memberId, e] of prevRoster) ops.push({ op: "setRosterEntry", memberId, fullName: e.fullName, category: e.category });
  } else {
    for (const m of members) ops.push({ op: "setRosterEntry", memberId: m.memberId, fullName: m.fullName, category: m.category });
  }
  if (prev) {
    for (const k of ["chairMemberId", "chairRole", "recorderMemberId"]) if (prev[k]) ops.push({ op: "setScalar", field: k, value: prev[k] });
    if (prev.location) ops.push({ op: "replaceText", field: "location", value: prev.location });
    for (const task of prev.tasks ?? []) {
      ops.push({ op: "addFollowUp", item: { id: `fu-${task.id}`, item: task.task, sourceMeetingId: prev.meetingId, sourceTaskId: task.id, status: "chua_bao_cao", note: "" } });
    }
  }
  return ops;
}

/** Every conflict of the document (the set of sync-core's `MeetingDoc::conflicts()`), each value
 * with its Automerge actor and whether this phone wrote it (names: `knownAuthors`). */
export function conflictsOf(doc) {
  const me = Automerge.getActorId(doc);
  return findConflicts(doc).map((c) => ({ ...c, values: c.values.map((v) => ({ ...v, mine: v.actor === me })) }));
}

/** The people behind a document's actors (hex actor id → `{displayName, deviceName}`), as the
 * server last told this phone; kept in localStorage so conflicts show names offline too. */
export function knownAuthors(docId) {
  try { return JSON.parse(localStorage.getItem(`authors:${docId}`) || "{}"); } catch { return {}; }
}

const askedAuthors = new Map(); // docId -> time of the last request

/** Asks the server who wrote `docId` when one of `actors` has no name yet (at most every 10 s
 * per document); resolves to true when new names arrived. Offline or refused: false. */
export async function refreshAuthors(docId, actors) {
  const known = knownAuthors(docId);
  if (actors.every((a) => known[a]) || Date.now() - (askedAuthors.get(docId) ?? 0) < 10000) return false;
  askedAuthors.set(docId, Date.now());
  try {
    const res = await fetch(api(`/api/v1/meetings/${encodeURIComponent(docId)}/authors`), { credentials: "same-origin" });
    if (!res.ok) return false;
    const fresh = await res.json();
    localStorage.setItem(`authors:${docId}`, JSON.stringify({ ...known, ...fresh }));
    return actors.some((a) => !known[a] && fresh[a]);
  } catch { return false; }
}

/** Resolves a conflict by writing the chosen value again (a new change that supersedes all). */
export function resolveConflict(handle, keys, typed) {
  handle.change((d) => pick(d, keys, typed));
  unsent.add(handle.documentId); saveUnsent(); notify();
  setTimeout(() => checkSent(handle.documentId), 0);
}

/** Watches the months of the list: `onMeeting(period, handle)` when a month's meeting appears
 * (made on this phone or another) or changes. The server forgets a phone's interest in a
 * document once it has answered "unavailable" (sync-core `doc_unavailable`), so nothing is
 * pushed when another phone makes the meeting later: while a socket is up, the months without
 * a meeting are asked for again every `everyMs`, and the ones present are followed by their
 * handles' change events. Returns the function that stops watching. */
export function watchMeetings(cell, months, onMeeting, everyMs = 2000) {
  const ids = new Map(months.map((p) => [core.regularMeetingId(cell, p), p]));
  const offs = new Map();
  let timer = null, stopped = false;
  const follow = (id, handle) => {
    const fn = () => onMeeting(ids.get(id), handle);
    handle.on("change", fn);
    offs.set(id, () => handle.off("change", fn));
    fn();
  };
  const tick = () => {
    if (stopped) return;
    for (const id of ids.keys()) {
      if (offs.has(id)) continue;
      const handle = repo.handles[id];
      if (handle?.isReady()) follow(id, handle);
      else if (handle && state.connected) ask(id);
    }
    timer = setTimeout(tick, everyMs);
  };
  tick();
  return () => { stopped = true; clearTimeout(timer); for (const off of offs.values()) off(); };
}

/** `{sheet, score, validation}` of a record by sync-core's wasm (as `server score --json`). */
export function scoreOf(record) { return JSON.parse(core.score("", JSON.stringify(record), "self")); }

export { core, toRecord, applyOp, BASE, Automerge };
