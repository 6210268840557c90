// Rendering: plain DOM, one screen at a time, large touch targets (see style.css).
import * as app from "./app.js";
import { t, getLang, setLang } from "./i18n.js";

const h = (tag, attrs = {}, ...kids) => {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else if (v === true) el.setAttribute(k, "");
    else if (v !== false && v !== null && v !== undefined) el.setAttribute(k, v);
  }
  for (const kid of kids.flat()) if (kid !== null && kid !== undefined && kid !== false) el.append(kid);
  return el;
};
const s = (v) => (v === null || v === undefined ? "" : String(v));
const root = () => document.getElementById("app");
let current = null; // { handle, off }

function syncBar() {
  const st = app.syncState();
  const label = { local: t("savedLocal"), sending: t("sending"), sent: t("allSent") }[st.kind];
  const when = st.lastSync ? new Date(st.lastSync).toLocaleString(getLang() === "vi" ? "vi-VN" : "en-GB") : "—";
  return h("div", { id: "sync", class: `sync ${st.kind}`, "data-state": st.kind, role: "status" },
    h("strong", {}, label), " · ", navigator.onLine ? t("online") : t("offline"),
    h("span", { class: "when" }, ` · ${t("lastSync")}: ${when}`));
}

function header(title, back) {
  return h("header", {},
    back ? h("button", { class: "link", onclick: () => (location.hash = "#/") }, t("back")) : null,
    h("h1", {}, title),
    h("button", { class: "link", id: "settings-btn", onclick: () => (location.hash = "#/settings") }, "⚙"));
}

export function renderLogin(error) {
  root().replaceChildren(
    header(t("title")),
    h("form", { id: "login", onsubmit: async (e) => {
      e.preventDefault();
      const f = new FormData(e.target);
      try { await app.login(f.get("username"), f.get("password")); location.hash = "#/"; await route(); }
      catch { renderLogin(t("loginFailed")); }
    } },
    h("p", {}, t("loginOnline")),
    h("label", {}, t("username"), h("input", { name: "username", autocomplete: "username", required: true })),
    h("label", {}, t("password"), h("input", { name: "password", type: "password", autocomplete: "current-password", required: true })),
    error ? h("p", { class: "error" }, error) : null,
    h("button", { type: "submit", class: "primary" }, t("login"))));
}

async function renderMonths() {
  const me = app.session.me;
  const list = h("ul", { class: "months" });
  root().replaceChildren(header(me.cell?.name ?? t("title")), syncBar(), h("h2", {}, t("months")), list);
  for (const period of app.periods()) {
    const li = h("li", { "data-period": period }, h("span", { class: "period" }, period), h("span", { class: "st" }, "…"));
    list.append(li);
  }
  if (navigator.onLine) { app.prefetchGenesis(me.cell.code); app.prefetchMembers(me.cell.code); }
  for (const li of list.children) {
    const period = li.dataset.period;
    const handle = await app.findMeeting(me.cell.code, period).catch(() => null);
    const status = handle ? s(handle.doc()?.status) : null;
    li.querySelector(".st").replaceWith(handle
      ? h("a", { class: "button", href: `#/m/${period}` }, `${t("open")} · ${t(status || "nhap")}`)
      : h("button", { class: "primary start", "data-period": period, onclick: async () => {
          await app.startMeeting(me.cell.code, period); location.hash = `#/m/${period}`;
        } }, t("start")));
  }
}

function renderSettings() {
  const sizes = [16, 18, 20, 24];
  root().replaceChildren(header(t("settings"), true),
    h("h2", {}, t("language")),
    h("div", { class: "row" }, ...[["vi", "Tiếng Việt"], ["en", "English"]].map(([c, n]) =>
      h("button", { class: getLang() === c ? "primary" : "", onclick: () => { setLang(c); renderSettings(); } }, n))),
    h("h2", {}, t("fontSize")),
    h("div", { class: "row" }, ...sizes.map((px) => h("button", {
      class: Number(localStorage.getItem("fontSize") || 18) === px ? "primary" : "",
      onclick: () => { localStorage.setItem("fontSize", String(px)); applyFontSize(); renderSettings(); } }, `${px}px`))),
    h("p", {}, navigator.serviceWorker?.controller ? t("offlineReady") : ""),
    h("button", { onclick: () => { app.session.me = null; location.hash = "#/"; route(); } }, t("logout")));
}

export function applyFontSize() { document.documentElement.style.fontSize = `${Number(localStorage.getItem("fontSize") || 18)}px`; }

const newId = (p) => `${p}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

function textField(handle, label, field, value, multiline) {
  const attrs = { "data-field": field, onchange: (e) => app.edit(handle, { op: "replaceText", field, value: e.target.value }) };
  return h("label", {}, label, multiline ? h("textarea", { ...attrs, rows: 3 }, s(value)) : h("input", { ...attrs, value: s(value) }));
}
function scalarField(handle, label, field, value, type) {
  return h("label", {}, label, h("input", { type, "data-field": field, value: s(value),
    onchange: (e) => app.edit(handle, { op: "setScalar", field, value: e.target.value }) }));
}

function memberName(rec, id) { return s(rec.roster?.[id]?.fullName) || id; }
function memberSelect(rec, name) {
  return h("select", { name }, h("option", { value: "" }, "—"),
    ...Object.keys(rec.roster ?? {}).map((id) => h("option", { value: id }, memberName(rec, id))));
}

function section(title, ...kids) { return h("section", {}, h("h2", {}, title), ...kids); }

function addForm(fields, onAdd) {
  return h("form", { class: "add", onsubmit: (e) => { e.preventDefault(); onAdd(new FormData(e.target)); e.target.reset(); } },
    ...fields, h("button", { type: "submit" }, t("add")));
}

function renderMeeting(handle) {
  const doc = handle.doc();
  const rec = app.toRecord(doc);
  const report = app.scoreOf(rec);
  const conflicts = app.conflicts(doc);
  const STATUSES = [["co_mat", "present"], ["vang_co_ly_do", "excused"], ["vang_khong_ly_do", "unexcused"], ["mien", "exempt"]];
  const members = Object.keys(rec.roster ?? {});
  const main = h("main", { id: "meeting", "data-doc-id": handle.documentId },
    conflicts.length ? section(t("conflicts"), ...conflicts.map((c) => h("div", { class: "conflict", "data-path": c.path.join(".") },
      h("div", {}, c.path.join(".")),
      h("div", { class: "side-by-side" }, ...c.values.map((v) => h("button", { onclick: () => app.resolveConflict(handle, c.path, v) }, `${t("choose")}: ${s(v)}`)))))) : null,
    rec.status === "tra_lai" ? h("div", { class: "returned", id: "returned" }, h("strong", {}, t("returned")), h("p", {}, rec.returnReason)) : null,
    section(t("header"),
      scalarField(handle, t("date"), "scheduledDate", rec.scheduledDate, "date"),
      scalarField(handle, t("startedAt"), "startedAt", rec.startedAt, "datetime-local"),
      scalarField(handle, t("endedAt"), "endedAt", rec.endedAt, "datetime-local"),
      textField(handle, t("location"), "location", rec.location)),
    section(t("attendance"), h("ul", { class: "attendance" }, ...members.map((id) => {
      const a = rec.attendance?.[id];
      return h("li", { "data-member": id }, h("div", { class: "name" }, memberName(rec, id)),
        h("div", { class: "row" }, ...STATUSES.map(([code, key]) => h("button", {
          class: a?.status === code ? "primary" : "", "data-status": code,
          onclick: () => app.edit(handle, { op: "markAttendance", memberId: id, status: code, reason: s(a?.reason) }) }, t(key)))),
        a && a.status.startsWith("vang") ? h("input", { placeholder: t("reason"), "data-reason": id, value: s(a.reason),
          onchange: (e) => app.edit(handle, { op: "markAttendance", memberId: id, status: a.status, reason: e.target.value, lateMin: a.lateMin ?? 0 }) }) : null);
    })),
      addForm([h("input", { name: "fullName", placeholder: t("guestName"), required: true }),
        h("select", { name: "category" }, h("option", { value: "chinh_thuc" }, "Chính thức"), h("option", { value: "du_bi" }, "Dự bị"))],
      (f) => app.edit(handle, { op: "setRosterEntry", memberId: newId("m"), fullName: f.get("fullName"), category: f.get("category") }))),
    section(t("guests"), h("ul", {}, ...(rec.guests ?? []).map((g) => h("li", {}, `${g.name} — ${g.position}${g.isSuperiorDelegate ? ` (${t("superior")})` : ""}`))),
      addForm([h("input", { name: "name", placeholder: t("guestName"), required: true }), h("input", { name: "position", placeholder: t("position") }),
        h("label", { class: "check" }, h("input", { type: "checkbox", name: "sup" }), t("superior"))],
      (f) => app.edit(handle, { op: "addGuest", item: { id: newId("g"), name: f.get("name"), position: f.get("position"), org: "", isSuperiorDelegate: f.get("sup") === "on" } }))),
    section(t("agenda"), h("ul", {}, ...(rec.agenda ?? []).map((a) => h("li", {}, h("label", { class: "check" },
      h("input", { type: "checkbox", checked: a.done, onchange: (e) => app.edit(handle, { op: "updateItem", list: "agenda", id: a.id, field: "done", value: e.target.checked }) }), a.title)))),
      addForm([h("input", { name: "title", placeholder: t("agenda"), required: true })],
        (f) => app.edit(handle, { op: "addAgendaItem", item: { id: newId("a"), title: f.get("title"), part: "noi_dung", done: false } }))),
    section(t("followUps"), h("ul", {}, ...(rec.followUps ?? []).map((fu) => h("li", { class: "followup" }, fu.item, h("small", {}, ` (${t("carried")})`))))),
    section(t("ideology"), textField(handle, t("ideology"), "ideologySituation", rec.ideologySituation, true)),
    section(t("contributions"), h("ul", {}, ...(rec.contributions ?? []).map((c) => h("li", {}, h("strong", {}, memberName(rec, c.memberId)), `: ${c.summary}`))),
      addForm([memberSelect(rec, "memberId"), h("textarea", { name: "summary", placeholder: t("summary"), required: true })],
        (f) => app.edit(handle, { op: "addContribution", item: { id: newId("c"), memberId: f.get("memberId"), itemRef: "", summary: f.get("summary") } }))),
    section(t("criticism"), h("ul", {}, ...(rec.criticism ?? []).map((c) => h("li", {}, `${t(c.kind)} — ${memberName(rec, c.memberId)}: ${c.note}`))),
      addForm([memberSelect(rec, "memberId"), h("select", { name: "kind" }, ...["bieu_duong", "nhac_nho", "phe_binh", "tu_phe_binh"].map((k) => h("option", { value: k }, t(k)))),
        h("input", { name: "note", placeholder: t("note") })],
        (f) => app.edit(handle, { op: "addCriticism", item: { id: newId("k"), memberId: f.get("memberId"), kind: f.get("kind"), note: f.get("note") } }))),
    section(t("resolution"), textField(handle, t("resolution"), "resolution", rec.resolution, true)),
    section(t("tasks"), h("ul", {}, ...(rec.tasks ?? []).map((x) => h("li", {}, `${x.task} — ${memberName(rec, x.assigneeMemberId)} — ${x.due}`))),
      addForm([h("input", { name: "task", placeholder: t("tasks"), required: true }), memberSelect(rec, "assignee"), h("input", { type: "date", name: "due" })],
        (f) => app.edit(handle, { op: "addTask", item: { id: newId("t"), task: f.get("task"), assigneeMemberId: f.get("assignee"), due: f.get("due") } }))),
    section(t("votes"), h("ul", {}, ...(rec.votes ?? []).map((v) => h("li", {}, `${v.subject}: ${v.for}/${v.against}/${v.abstain}`))),
      addForm([h("input", { name: "subject", placeholder: t("subject"), required: true }),
        h("input", { name: "for", type: "number", min: 0, placeholder: t("for") }), h("input", { name: "against", type: "number", min: 0, placeholder: t("against") }),
        h("input", { name: "abstain", type: "number", min: 0, placeholder: t("abstain") })],
        (f) => app.edit(handle, { op: "addVote", item: { id: newId("v"), subject: f.get("subject"), for: Number(f.get("for") || 0), against: Number(f.get("against") || 0), abstain: Number(f.get("abstain") || 0), method: "gio_tay" } }))),
    section(t("rubric"), renderScore(handle, rec, report)),
    section(t("status"), h("p", { id: "status" }, t(rec.status)),
      rec.status === "nhap" || rec.status === "tra_lai"
        ? h("button", { class: "primary", id: "submit", onclick: () => app.edit(handle, { op: "setScalar", field: "status", value: "da_gui" }) }, t("submit"))
        : h("p", {}, t("submitted"))));
  root().replaceChildren(header(rec.period, true), syncBar(), main);
}

function renderScore(handle, rec, report) {
  if (report.error) return h("p", { class: "error" }, report.error);
  const sc = report.score;
  return h("div", { id: "score", "data-total": sc.total, "data-level": sc.level, "data-rubric": sc.rubric },
    h("p", { class: "total" }, `${t("points")}: `, h("strong", { id: "score-total" }, `${sc.total}/${sc.applicableMax ?? sc.applicable_max}`), ` · ${t("level")}: `, h("strong", { id: "score-level" }, s(sc.level))),
    h("ul", { class: "criteria" }, ...sc.criteria.filter((c) => c.applicable).map((c) => h("li", { "data-criterion": c.id },
      h("div", {}, `${c.title}: `, h("strong", {}, `${c.points}/${c.max}`)),
      c.kind === "awarded" ? h("input", { type: "number", min: 0, max: c.max, step: "0.5", "data-award": c.id, value: s(rec.selfScore?.awarded?.[c.id] ?? ""),
        onchange: (e) => app.edit(handle, { op: "awardPoints", sheet: "self", criterion: c.id, points: Number(e.target.value) }) }) : null,
      c.reasons.length ? h("ul", { class: "lost" }, ...c.reasons.map((r) => h("li", {}, r))) : null))),
    report.validation.length ? h("details", {}, h("summary", {}, `${t("problems")} (${report.validation.length})`),
      h("ul", {}, ...report.validation.map((p) => h("li", { class: p.severity }, p.message)))) : null);
}

/** Renders the screen for the current hash. */
export async function route() {
  if (current) { current.off(); current = null; }
  applyFontSize();
  if (!app.session.me) return renderLogin();
  app.startRepo();
  const hash = location.hash || "#/";
  if (hash === "#/settings") return renderSettings();
  const m = hash.match(/^#\/m\/(\d{4}-\d{2})$/);
  if (m) {
    const handle = await app.findMeeting(app.session.me.cell.code, m[1]);
    if (!handle) { location.hash = "#/"; return; }
    const rerender = () => queueMicrotask(() => {
      // Keep the focused field (by its data attribute) across the re-render.
      const el = document.activeElement;
      const key = el && ["data-field", "data-reason", "data-award"].find((a) => el.hasAttribute?.(a));
      const sel = key ? `[${key}="${el.getAttribute(key)}"]` : null;
      renderMeeting(handle);
      if (sel) document.querySelector(sel)?.focus();
    });
    handle.on("change", rerender);
    const off2 = app.onSyncState(() => document.getElementById("sync")?.replaceWith(syncBar()));
    current = { off: () => { handle.off("change", rerender); off2(); } };
    return renderMeeting(handle);
  }
  const off = app.onSyncState(() => document.getElementById("sync")?.replaceWith(syncBar()));
  current = { off };
  return renderMonths();
}
