// Rendering: plain DOM, one screen at a time, large touch targets (see style.css).
import * as app from "./app.js";
import { t, getLang, setLang } from "./i18n.js";
import { h, s, root, syncBar, header } from "./dom.js";
import { renderMonths } from "./months.js";
import { capture, restore } from "./drafts.js";
import { conflictCards, returnedBanner, statusSection } from "./review.js";

let current = null; // { off }

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
  const input = multiline ? h("textarea", { ...attrs, rows: 3 }, s(value)) : h("input", { ...attrs, value: s(value) });
  return h("div", { class: "field" }, h("label", {}, label, input), mergedNotice(handle, field));
}

/** Asks for a text two phones edited at the same time to be read again (their words merged). */
function mergedNotice(handle, field) {
  const m = app.mergedTextsOf(handle).get(field);
  if (!m) return null;
  return h("div", { class: "merged", "data-merged": field }, h("p", {}, t("mergedText")),
    h("button", { onclick: (e) => { app.markReadAgain(handle.documentId, m); e.target.closest(".merged").remove(); } }, t("readAgain")));
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

function addForm(name, fields, onAdd) {
  return h("form", { class: "add", "data-form": name, onsubmit: (e) => { e.preventDefault(); onAdd(new FormData(e.target)); e.target.reset(); } },
    ...fields, h("button", { type: "submit" }, t("add")));
}

function renderMeeting(handle) {
  const doc = handle.doc();
  const rec = app.toRecord(doc);
  const report = app.scoreOf(rec);
  const STATUSES = [["co_mat", "present"], ["vang_co_ly_do", "excused"], ["vang_khong_ly_do", "unexcused"], ["mien", "exempt"]];
  const members = Object.keys(rec.roster ?? {});
  const main = h("main", { id: "meeting", "data-doc-id": handle.documentId },
    conflictCards(handle, doc),
    returnedBanner(handle, rec),
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
      addForm("roster", [h("input", { name: "fullName", placeholder: t("guestName"), required: true }),
        h("select", { name: "category" }, h("option", { value: "chinh_thuc" }, "Chính thức"), h("option", { value: "du_bi" }, "Dự bị"))],
      (f) => app.edit(handle, { op: "setRosterEntry", memberId: newId("m"), fullName: f.get("fullName"), category: f.get("category") }))),
    section(t("guests"), h("ul", {}, ...(rec.guests ?? []).map((g) => h("li", {}, `${g.name} — ${g.position}${g.isSuperiorDelegate ? ` (${t("superior")})` : ""}`))),
      addForm("guests", [h("input", { name: "name", placeholder: t("guestName"), required: true }), h("input", { name: "position", placeholder: t("position") }),
        h("label", { class: "check" }, h("input", { type: "checkbox", name: "sup" }), t("superior"))],
      (f) => app.edit(handle, { op: "addGuest", item: { id: newId("g"), name: f.get("name"), position: f.get("position"), org: "", isSuperiorDelegate: f.get("sup") === "on" } }))),
    section(t("agenda"), h("ul", {}, ...(rec.agenda ?? []).map((a) => h("li", {}, h("label", { class: "check" },
      h("input", { type: "checkbox", checked: a.done, onchange: (e) => app.edit(handle, { op: "updateItem", list: "agenda", id: a.id, field: "done", value: e.target.checked }) }), a.title)))),
      addForm("agenda", [h("input", { name: "title", placeholder: t("agenda"), required: true })],
        (f) => app.edit(handle, { op: "addAgendaItem", item: { id: newId("a"), title: f.get("title"), part: "noi_dung", done: false } }))),
    section(t("followUps"), h("ul", {}, ...(rec.followUps ?? []).map((fu) => h("li", { class: "followup" }, fu.item, h("small", {}, ` (${t("carried")})`))))),
    section(t("ideology"), textField(handle, t("ideology"), "ideologySituation", rec.ideologySituation, true)),
    section(t("contributions"), h("ul", {}, ...(rec.contributions ?? []).map((c) => h("li", {}, h("strong", {}, memberName(rec, c.memberId)), `: ${c.summary}`))),
      addForm("contributions", [memberSelect(rec, "memberId"), h("textarea", { name: "summary", placeholder: t("summary"), required: true })],
        (f) => app.edit(handle, { op: "addContribution", item: { id: newId("c"), memberId: f.get("memberId"), itemRef: "", summary: f.get("summary") } }))),
    section(t("criticism"), h("ul", {}, ...(rec.criticism ?? []).map((c) => h("li", {}, `${t(c.kind)} — ${memberName(rec, c.memberId)}: ${c.note}`))),
      addForm("criticism", [memberSelect(rec, "memberId"), h("select", { name: "kind" }, ...["bieu_duong", "nhac_nho", "phe_binh", "tu_phe_binh"].map((k) => h("option", { value: k }, t(k)))),
        h("input", { name: "note", placeholder: t("note") })],
        (f) => app.edit(handle, { op: "addCriticism", item: { id: newId("k"), memberId: f.get("memberId"), kind: f.get("kind"), note: f.get("note") } }))),
    section(t("resolution"), textField(handle, t("resolution"), "resolution", rec.resolution, true)),
    section(t("tasks"), h("ul", {}, ...(rec.tasks ?? []).map((x) => h("li", {}, `${x.task} — ${memberName(rec, x.assigneeMemberId)} — ${x.due}`))),
      addForm("tasks", [h("input", { name: "task", placeholder: t("tasks"), required: true }), memberSelect(rec, "assignee"), h("input", { type: "date", name: "due" })],
        (f) => app.edit(handle, { op: "addTask", item: { id: newId("t"), task: f.get("task"), assigneeMemberId: f.get("assignee"), due: f.get("due") } }))),
    section(t("votes"), h("ul", {}, ...(rec.votes ?? []).map((v) => h("li", {}, `${v.subject}: ${v.for}/${v.against}/${v.abstain}`))),
      addForm("votes", [h("input", { name: "subject", placeholder: t("subject"), required: true }),
        h("input", { name: "for", type: "number", min: 0, placeholder: t("for") }), h("input", { name: "against", type: "number", min: 0, placeholder: t("against") }),
        h("input", { name: "abstain", type: "number", min: 0, placeholder: t("abstain") })],
        (f) => app.edit(handle, { op: "addVote", item: { id: newId("v"), subject: f.get("subject"), for: Number(f.get("for") || 0), against: Number(f.get("against") || 0), abstain: Number(f.get("abstain") || 0), method: "gio_tay" } }))),
    section(t("rubric"), renderScore(handle, rec, report)),
    statusSection(handle, rec));
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
    // A change (this phone's, another phone's, a conflict pick) redraws the screen; what the
    // user is typing, the focus and the caret are carried over (drafts.js).
    let queued = false;
    const rerender = () => {
      if (queued) return;
      queued = true;
      queueMicrotask(() => {
        queued = false;
        const meeting = document.getElementById("meeting");
        if (!meeting || meeting.dataset.docId !== handle.documentId) return;
        const saved = capture(root());
        renderMeeting(handle);
        restore(root(), saved);
      });
    };
    handle.on("change", rerender);
    const off2 = app.onSyncState(() => document.getElementById("sync")?.replaceWith(syncBar()));
    current = { off: () => { handle.off("change", rerender); off2(); } };
    return renderMeeting(handle);
  }
  const off = app.onSyncState(() => document.getElementById("sync")?.replaceWith(syncBar()));
  const stop = renderMonths();
  current = { off: () => { off(); stop(); } };
}
