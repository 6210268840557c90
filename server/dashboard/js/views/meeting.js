// One meeting: a summary of the minutes, both score sheets criterion by criterion with the
// reason for every point lost, problems, and the committee's review form (confirm with the
// committee's points, return with a reason, lock, reopen).

import * as api from "../api.js";
import { h } from "../dom.js";
import { t, num } from "../i18n.js";
import { go } from "../main.js";
import { memberName, timeRange } from "./minutes.js";

const ACTIONS = { da_gui: ["confirm", "return"], tra_lai: ["confirm"], da_xac_nhan: ["lock", "return", "reopen"], khoa: ["reopen"] };

function scoreTable(sc) {
  const superiorById = new Map(sc.superior_criteria.map((c) => [c.criterion_id, c]));
  const rows = sc.self_criteria.length ? sc.self_criteria : sc.superior_criteria;
  const cellPts = (c) => (c ? (c.applicable ? `${num(c.points)}` : "–") : "–");
  const lost = (c) => c && c.applicable && c.points < c.max;
  return h("div", { class: "scroll" }, h("table", { class: "list score", id: "score" },
    h("thead", {}, h("tr", {}, [t("criterion"), t("max"), t("selfScore"), t("superiorScore"), t("lostReason")].map((c) => h("th", { scope: "col" }, c)))),
    h("tbody", {}, rows.map((c) => {
      const sup = superiorById.get(c.criterion_id);
      const reasons = [lost(c) ? `${t("selfScore")}: ${c.reason}` : null, lost(sup) ? `${t("superiorScore")}: ${sup.reason}` : null].filter(Boolean);
      return h("tr", { class: reasons.length ? "lost" : "" },
        h("th", { scope: "row" }, c.title),
        h("td", {}, num(c.max)),
        h("td", {}, cellPts(c)),
        h("td", {}, cellPts(sup)),
        h("td", {}, reasons.length ? reasons.map((r) => h("div", {}, r)) : "–"));
    })),
    h("tfoot", {}, h("tr", {},
      h("th", { scope: "row" }, t("total")), h("td", {}),
      h("td", {}, sc.score.self_total === null ? "–" : `${num(sc.score.self_total)} (${num(sc.score.self_percent)}%) ${sc.score.self_level ? t(sc.score.self_level) : ""}`),
      h("td", {}, sc.score.superior_total === null ? "–" : `${num(sc.score.superior_total)} (${num(sc.score.superior_percent)}%) ${sc.score.superior_level ? t(sc.score.superior_level) : ""}`),
      h("td", {}, `${t("official")}: `, h("strong", { id: "official-level" }, sc.score.official_level ? t(sc.score.official_level) : "–"))))));
}

function reviewForm(id, status, criteria) {
  const actions = ACTIONS[status] || [];
  const section = h("section", { class: "card review", "aria-labelledby": "review-title" }, h("h2", { id: "review-title" }, t("reviewTitle")));
  if (!actions.length) {
    section.append(h("p", {}, t("notReviewable")));
    return section;
  }
  const msg = h("p", { role: "status", class: "status-msg" });
  const inputs = criteria.map((c) => {
    const input = h("input", { type: "number", min: 0, max: c.max, step: "0.5", id: `sup-${c.id}`, name: c.id,
      value: c.superior_points ?? c.self_points ?? "", inputmode: "decimal" });
    return { c, input, row: h("div", { class: "field" }, h("label", { for: `sup-${c.id}` }, `${c.title} (0–${num(c.max)})`), input) };
  });
  const reason = h("textarea", { id: "reason", rows: 2 });
  const form = h("form", {},
    actions.includes("confirm") && inputs.length ? h("fieldset", {}, h("legend", {}, t("superiorPoints")), inputs.map((i) => i.row)) : null,
    h("label", { for: "reason" }, t("reason")), reason,
    h("div", { class: "actions" }, actions.map((a) => h("button", { type: "submit", value: a, "data-action": a, class: a === "confirm" ? "primary" : "" }, t(a)))),
    msg);
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const action = e.submitter?.value || actions[0];
    const body = { action };
    if (reason.value.trim()) body.reason = reason.value.trim();
    if (action === "confirm") {
      body.superiorScores = {};
      for (const { c, input } of inputs) if (input.value !== "") body.superiorScores[c.id] = Number(input.value);
    }
    for (const b of form.querySelectorAll("button")) b.disabled = true;
    try {
      await api.review(id, body);
      msg.textContent = t("reviewDone", { action: t(action) });
      // The projector re-rates within a second; show the new rating.
      await new Promise((r) => setTimeout(r, 600));
      go(`#/meeting/${encodeURIComponent(id)}`);
    } catch (err) {
      msg.textContent = t("error", { message: err.message });
      msg.classList.add("error");
      for (const b of form.querySelectorAll("button")) b.disabled = false;
    }
  });
  section.append(form);
  return section;
}

export async function meetingView(id) {
  const [sc, mins] = await Promise.all([api.score(id), api.minutes(id)]);
  const f = sc.facts;
  const r = mins.record || {};
  const problems = sc.problems.filter((p) => p.severity !== "info");
  return h("div", { class: "meeting", "data-status": f.status },
    h("p", {}, h("a", { href: `#/cell/${encodeURIComponent(f.cell_id)}/${f.year ?? ""}` }, "← ", f.cell_name)),
    h("h1", {}, t("meetingTitle", { cell: f.cell_name, period: f.period })),
    h("p", {}, `${t("status")}: `, h("strong", { id: "status" }, t(f.status)),
      f.return_reason ? ` — ${f.return_reason}` : "",
      " · ", h("a", { href: `#/minutes/${encodeURIComponent(id)}`, id: "printable-link" }, t("printable"))),
    h("section", { class: "card" }, h("h2", {}, t("summary")),
      h("dl", { class: "facts" },
        h("dt", {}, t("time")), h("dd", {}, timeRange(r) || f.held_on || "–"),
        h("dt", {}, t("place")), h("dd", {}, r.location || "–"),
        h("dt", {}, t("chair")), h("dd", {}, memberName(r, r.chairMemberId) || "–"),
        h("dt", {}, t("recorder")), h("dd", {}, memberName(r, r.recorderMemberId) || "–"),
        h("dt", {}, t("attendance")), h("dd", {}, t("attendanceCounts", { present: f.present, expected: f.expected, excused: f.absent_excused, unexcused: f.absent_unexcused })),
        h("dt", {}, t("resolution")), h("dd", {}, r.resolution || "–"))),
    h("section", { class: "card" }, h("h2", {}, t("scoreTitle")), scoreTable(sc)),
    h("section", { class: "card" }, h("h2", {}, t("problemsTitle")),
      problems.length ? h("ul", { class: "problems" }, problems.map((p) => h("li", { class: p.severity }, `[${p.severity}] ${p.message}`))) : h("p", {}, t("none"))),
    reviewForm(id, f.status, mins.reviewCriteria || []));
}
