// A cell's year: its twelve months as in the heatmap (missing, not expected and future months
// included), the trend chart (self vs committee, by month), the year's level by the roll-up
// rule, and every meeting with a link to it.

import * as api from "../api.js";
import { h } from "../dom.js";
import { t, num } from "../i18n.js";
import { lineChart } from "../charts.js";
import { heatCell, monthHeads } from "./home.js";

/// The year's months in one heatmap row: the regular meeting's level, or why there is none.
function monthsRow(y, regular) {
  const row = { cell_id: y.cell_id, cell_name: y.cell_name };
  const months = y.months.map((state, i) => {
    const m = regular(i);
    return { month: i + 1, state, level: m?.official_level || null, doc_id: m?.doc_id || null,
      locked: m?.status === "khoa", amended_after_lock: Boolean(m?.amended_after_lock) };
  });
  return h("div", { class: "scroll" }, h("table", { class: "heatmap", id: "months" },
    h("caption", {}, t("monthsTitle")),
    h("thead", {}, h("tr", {}, monthHeads())),
    h("tbody", {}, h("tr", { "data-cell": y.cell_id }, months.map((m) => heatCell(row, m, y.year))))));
}

/// A `YYYY-MM` period in words.
function monthName(period) {
  return t("monthOf", { m: Number(period.slice(5, 7)), y: period.slice(0, 4) });
}

/// One step of the roll-up's decision (the API's `rollup.notes`) in the page's language.
export function noteText(n) {
  const months = (ms) => ms.map(monthName).join(", ");
  switch (n.kind) {
    case "below":
      return t("noteBelow", { level: t(n.level), floor: t(n.floor), months: n.months.map((m) => m.level
        ? t("monthLevel", { month: monthName(m.period), level: t(m.level) })
        : t("monthMissingAs", { month: monthName(m.period), level: t(m.counted_as) })).join(", ") });
    case "too_few":
      return t("noteTooFew", { level: t(n.level), need: n.need, count: t(n.count_level), have: n.have });
    case "count_not_configured":
      return t("noteCountNotConfigured", { level: t(n.level), count: t(n.count_level), have: n.have });
    case "no_level":
      return t("noteNoLevel");
    case "holds":
      return t("noteHolds", { level: t(n.level) });
    case "otherwise":
      return t("noteOtherwise", { level: t(n.level) });
    case "not_expected":
      return t("noteNotExpected", { months: months(n.months) });
    case "provisional":
      return t("noteProvisional", { months: months(n.months) });
    default:
      return n.kind;
  }
}

export async function cellView(cell, year) {
  const y = await api.cellYear(cell, year);
  const regular = (i) => y.meetings.find((m) => Number(m.period.slice(5, 7)) === i + 1 && ["thuong_ky", "ket_hop"].includes(m.meeting_type));
  const series = (key) => Array.from({ length: 12 }, (_, i) => regular(i)?.[key] ?? null);
  const level = y.rollup?.level;
  return h("div", {},
    h("p", {}, h("a", { href: "#/" }, "← ", t("back"))),
    h("h1", {}, t("cellYearTitle", { cell: y.cell_name, year: y.year })),
    h("p", { class: "year-level" }, `${t("yearLevel")}: `, h("strong", {}, level ? t(level) : t("undetermined")),
      y.rollup?.provisional ? ` (${t("provisional")})` : ""),
    y.rollup?.notes?.length
      ? h("details", { class: "why", id: "rollup-notes", open: true }, h("summary", {}, t("rollupWhy")),
        h("ul", {}, y.rollup.notes.map((n) => h("li", { "data-kind": n.kind }, noteText(n)))))
      : null,
    monthsRow(y, regular),
    h("figure", { class: "card" }, h("figcaption", {}, t("trendTitle")),
      lineChart(t("trendTitle"), [
        { name: t("selfScore"), cls: "self", values: series("self_percent") },
        { name: t("superiorScore"), cls: "superior", values: series("superior_percent") },
      ]),
      h("p", { class: "key" }, h("span", { class: "k self" }, t("selfScore")), " ", h("span", { class: "k superior" }, t("superiorScore")))),
    h("h2", {}, t("meetings")),
    h("div", { class: "scroll" }, h("table", { class: "list", id: "meetings" },
      h("thead", {}, h("tr", {}, [t("period"), t("heldOn"), t("attendanceRate"), t("status"), t("selfScore"), t("superiorScore"), t("official")].map((c) => h("th", { scope: "col" }, c)))),
      h("tbody", {}, y.meetings.map((m) => h("tr", {},
        h("th", { scope: "row" }, h("a", { href: `#/meeting/${encodeURIComponent(m.doc_id)}` }, m.period)),
        h("td", {}, m.held_on || "–"),
        h("td", {}, `${num(m.attendance_rate * 100, 0)}%`),
        h("td", {}, t(m.status)),
        h("td", {}, m.self_level ? `${t(m.self_level)} (${num(m.self_percent)}%)` : "–"),
        h("td", {}, m.superior_level ? `${t(m.superior_level)} (${num(m.superior_percent)}%)` : "–"),
        h("td", { class: m.official_level ? `lv-text-${m.official_level}` : "" }, m.official_level ? t(m.official_level) : "–")))))));
}
