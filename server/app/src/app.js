// The app's data layer: Automerge repo over IndexedDB + the server's /sync, regular meetings from
// deterministic genesis, and the plain sync state (saved on this phone / sending / everything sent).
import { Repo, Automerge } from "@automerge/automerge-repo/slim";
import { IndexedDBStorageAdapter } from "@automerge/automerge-repo-storage-indexeddb";
import { WebSocketClientAdapter } from "@automerge/automerge-repo-network-websocket";
import * as core from "./wasm/core.js";
import { applyOp, toRecord } from "./edit.js";
import { conflicts as findConflicts, pick, textMerges } from "./conflicts.js";

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
  session.me = meOf(await (await fetch(api("/api/v1/me"), { credentials: "same-origin" })).json());
  return session.me;
}

/** What the app keeps of `/api/v1/me`: the user and their cell (code, name, path, type). */
function meOf(me) {
  const cell = me.units?.find((u) => me.roles?.some((r) => r.unit_id === u.id)) ?? me.units?.[0];
  return { user: me.user, cell: cell ? { code: cell.code, name: cell.name, path: cell.path, cellType: cell.cell_type ?? "" } : null };
}

/** While online, takes what the server now says of the user's cell (its name, place in the tree
 * and type may have changed since the login); the same cell only, else nothing changes. */
export async function refreshMe() {
  try {
    const res = await fetch(api("/api/v1/me"), { credentials: "same-origin" });
    if (!res.ok) return;
    const fresh = meOf(await res.json());
    if (fresh.cell && fresh.cell.code === session.me?.cell?.code) session.me = fresh;
  } catch { /* offline */ }
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

/** Follows the cell's roster document (the members on record, which the server keeps there)
 * so it is on this phone for offline use and later changes arrive. The server writes it shortly
 * after it starts, so while online a missing roster is asked for again a few times. */
export async function followRoster(cell) {
  const docId = core.rosterId(cell);
  for (let i = 0; i < 6; i++) {
    const handle = await lookup(docId).catch(() => null);
    if (handle?.isReady()) return handle;
    if (!navigator.onLine) return null;
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }
  return null;
}

/** The cell's members from its roster document on this phone (`[]` if it never arrived). */
export async function rosterMembers(cell) {
  const handle = await lookup(core.rosterId(cell)).catch(() => null);
  const members = (handle?.isReady() && handle.doc()?.members) || {};
  return Object.entries(members).map(([memberId, m]) => ({ memberId, fullName: String(m.fullName ?? ""), category: String(m.category ?? "") }));
}

/** The meeting of `period` if this device (or the server) has it, else null. */
export async function findMeeting(cell, period) {
  const handle = await lookup(core.regularMeetingId(cell, period));
  return handle.isReady() ? handle : null;
}

/** Starts the regular meeting of `period`: imports the deterministic genesis under the derived
 * id when `repo.find` says it is not there (never re-import over stored history), then prefills
 * it from the cell's roster document, last month (chair, follow-ups of its tasks, what the cell
 * decided about its roster) and the agenda template of the cell's type. */
export async function startMeeting(cell, period) {
  const docId = core.regularMeetingId(cell, period);
  const existing = await lookup(docId);
  if (existing.isReady()) return existing;
  const genesis = await fetchGenesis(cell, period);
  if (genesis.docId !== docId) throw new Error(`genesis id ${genesis.docId} differs from ${docId}`);
  const handle = repo.import(genesis.bytes, { docId });
  const prev = await findMeeting(cell, previousPeriod(period)).catch(() => null);
  const members = await rosterMembers(cell);
  edit(handle, ...prefillOps(prev ? toRecord(prev.doc()) : null, session.me?.cell, members));
  return handle;
}

/** The template ops of a new regular meeting. */
export function prefillOps(prev, cell, members = []) {
  const ops = [];
  if (cell?.name) ops.push({ op: "replaceText", field: "cellName", value: cell.name });
  if (cell?.path?.length) ops.push({ op: "setOrgPathSnapshot", entries: cell.path.map((p) => ({ unitId: p.code ?? p.id ?? "", name: p.name ?? "" })) });
  // The agenda template of the cell's type, from sync-core (`record::agenda_template`).
  for (const item of JSON.parse(core.agendaTemplate(cell?.cellType ?? ""))) ops.push({ op: "addAgendaItem", item });
  for (const entry of rosterOps(prev?.roster ?? {}, members)) ops.push({ op: "setRosterEntry", ...entry });
  if (prev) {
    for (const k of ["chairMemberId", "chairRole", "recorderMemberId"]) if (prev[k]) ops.push({ op: "setScalar", field: k, value: prev[k] });
    if (prev.location) ops.push({ op: "replaceText", field: "location", value: prev.location });
    for (const task of prev.tasks ?? []) {
      ops.push({ op: "addFollowUp", item: { id: `fu-${task.id}`, item: task.task, sourceMeetingId: prev.meetingId, sourceTaskId: task.id, status: "chua_bao_cao", note: "" } });
    }
  }
  return ops;
}

/** Categories the cell decides (not on record on the server): kept from last month. */
const CELL_DECIDED = new Set(["mien_sinh_hoat", "dac_biet"]);

/** A new meeting's roster: the members on record (the roster document), each in last month's
 * category when the cell had exempted them, plus last month's temporarily attached members
 * (sinh hoạt tạm thời: on another cell's record). Without a roster document on this phone,
 * last month's roster as it was. */
export function rosterOps(prevRoster, members) {
  const carried = Object.entries(prevRoster).map(([memberId, e]) => ({ memberId, fullName: String(e.fullName ?? ""), category: String(e.category ?? "") }));
  if (!members.length) return carried;
  const onRecord = new Set(members.map((m) => m.memberId));
  return [
    ...members.map((m) => {
      const before = prevRoster[m.memberId]?.category;
      return { ...m, category: CELL_DECIDED.has(before) ? before : m.category };
    }),
    ...carried.filter((e) => !onRecord.has(e.memberId) && e.category === "sinh_hoat_tam_thoi"),
  ];
}

/** Every conflict of the document (the set of sync-core's `MeetingDoc::conflicts()`), each value
 * with its Automerge actor and whether this phone wrote it (names: `knownAuthors`). */
export function conflictsOf(doc) {
  const me = Automerge.getActorId(doc);
  return findConflicts(doc).map((c) => ({ ...c, values: c.values.map((v) => ({ ...v, mine: v.actor === me })) }));
}

const mergeTrackers = new Map(); // docId -> textMerges() of that document
const merged = new WeakMap(); // document version -> its merged texts

/** The text fields of the meeting whose words two phones merged (see `textMerges`), by path;
 * the ones this phone was told were read again are left out. Computed once per version. */
export function mergedTextsOf(handle) {
  const doc = handle.doc();
  if (!mergeTrackers.has(handle.documentId)) mergeTrackers.set(handle.documentId, textMerges());
  if (!merged.has(doc)) merged.set(doc, mergeTrackers.get(handle.documentId)(doc));
  const read = readAgain(handle.documentId);
  return new Map(merged.get(doc).filter((m) => read[m.path] !== m.key).map((m) => [m.path, m]));
}

const readAgain = (docId) => { try { return JSON.parse(localStorage.getItem(`readAgain:${docId}`) || "{}"); } catch { return {}; } };

/** Remembers on this phone that the merged text was read again (until another merge). */
export function markReadAgain(docId, m) {
  localStorage.setItem(`readAgain:${docId}`, JSON.stringify({ ...readAgain(docId), [m.path]: m.key }));
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
