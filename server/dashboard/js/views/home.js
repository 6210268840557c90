// Committee home: unit and year filters, the heatmap of cells × months, the level
// distribution and self-vs-committee charts, export links.

import * as api from "../api.js";
import { h, LEVELS } from "../dom.js";
import { t, num } from "../i18n.js";
import { lineChart, stackedBars } from "../charts.js";
import { session } from "../main.js";

const SHORT = { tot: "T", kha: "K", trung_binh: "TB", kem: "Kém" };

/// The committees the user may read, as the tree stood at the end of `year` (today for this
/// year), with their depth below the highest one; the user's own units when they read none.
export async function unitChoices(year) {
  const asOf = year < currentYear() ? `${year}-12-31` : undefined;
  const r = await api.units(asOf).catch(() => ({ units: [] }));
  if (r.units.length) {
    const top = Math.min(...r.units.map((u) => u.depth));
    return r.units.map((u) => ({ code: u.code, name: u.name, depth: u.depth - top }));
  }
  return (session.me?.units || []).map((u) => ({ code: u.code, name: u.name, depth: 0 }));
}

export function currentYear() {
  return new Date(Date.now() + 7 * 3600e3).getUTCFullYear();
}

export function filters(units, unit, year, target) {
  const unitSel = h("select", { id: "unit", name: "unit" },
    units.map((u) => h("option", { value: u.code, selected: u.code === unit }, `${"\u00a0\u00a0\u00a0".repeat(u.depth || 0)}${u.name}`)));
  const years = [0, 1, 2].map((d) => currentYear() - d);
  const yearSel = h("select", { id: "year", name: "year" }, years.map((y) => h("option", { value: y, selected: y === Number(year) }, y)));
  const form = h("form", { class: "filters", role: "search" },
    h("label", { for: "unit" }, t("unit")), unitSel,
    h("label", { for: "year" }, t("year")), yearSel,
    h("button", { type: "submit" }, t("show")));
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    location.hash = `${target}?unit=${encodeURIComponent(unitSel.value)}&year=${yearSel.value}`;
  });
  return form;
}

function stateLabel(m) {
  const base = m.state === "rated" ? t(m.level) : t(m.state);
  const extra = [m.locked ? t("locked") : null, m.amended_after_lock ? t("amended") : null].filter(Boolean);
  return extra.length ? `${base} (${extra.join(", ")})` : base;
}

export function heatCell(row, m, year) {
  const cls = m.state === "rated" ? `lv-${m.level}` : `st-${m.state}`;
  const text = m.state === "rated" ? SHORT[m.level] || "" : { missing: "✕", unconfirmed: "?", invalid: "!", future: "", not_expected: "–" }[m.state];
  const label = `${row.cell_name}, ${t("month")} ${m.month}/${year}: ${stateLabel(m)}`;
  const content = m.doc_id
    ? h("a", { href: `#/meeting/${encodeURIComponent(m.doc_id)}`, "aria-label": label, title: label }, text)
    : h("span", { "aria-label": label, title: label, role: "img" }, text);
  return h("td", { class: `heat ${cls}${m.locked ? " locked" : ""}`, "data-state": m.state, "data-level": m.level || "" }, content);
}

/// The twelve month column headers of a heatmap.
export function monthHeads() {
  return Array.from({ length: 12 }, (_, i) => h("th", { scope: "col" }, h("abbr", { title: `${t("month")} ${i + 1}` }, t("monthShort", { m: i + 1 }))));
}

export function heatmap(grid, unitName) {
  const year = grid.year;
  return h("div", {}, h("p", { class: "note", "aria-hidden": "true" }, t("heatmapCaption", { unit: unitName, year })), h("div", { class: "scroll" },
    h("table", { class: "heatmap", id: "heatmap" },
      h("caption", {}, t("heatmapCaption", { unit: unitName, year })),
      h("thead", {}, h("tr", {}, h("th", { scope: "col" }, t("cell")), monthHeads())),
      h("tbody", {}, grid.rows.map((row) =>
        h("tr", { "data-cell": row.cell_id },
          h("th", { scope: "row" }, h("a", { href: `#/cell/${encodeURIComponent(row.cell_id)}/${year}` }, row.cell_name)),
          row.months.map((m) => heatCell(row, m, year))))))));
}

export function legend() {
  const item = (cls, text, label) => h("li", {}, h("span", { class: `swatch heat ${cls}`, "aria-hidden": "true" }, text), label);
  return h("ul", { class: "legend", "aria-label": t("legend") },
    LEVELS.map((l) => item(`lv-${l}`, SHORT[l], t(l))),
    item("st-unconfirmed", "?", t("unconfirmed")),
    item("st-missing", "✕", t("missing")),
    item("st-invalid", "!", t("invalid")),
    item("st-future", "", t("future")),
    item("st-not_expected", "–", t("not_expected")),
    item("lv-tot locked", "T", `${t("tot")}, ${t("locked")}`));
}

function charts(rows) {
  const byMonth = Array.from({ length: 12 }, (_, i) => rows.find((r) => r.bucket === i + 1) || null);
  const gaps = rows.filter((r) => r.avg_gap !== null && r.avg_gap !== undefined);
  const meanGap = gaps.length ? gaps.reduce((a, r) => a + r.avg_gap, 0) / gaps.length : null;
  return h("div", { class: "charts" },
    h("figure", { class: "card" }, h("figcaption", {}, t("levelDistribution")), stackedBars(t("levelDistribution"), byMonth)),
    h("figure", { class: "card" }, h("figcaption", {}, t("gapTitle")),
      lineChart(t("gapTitle"), [
        { name: t("selfScore"), cls: "self", values: byMonth.map((r) => r?.avg_self_percent ?? null) },
        { name: t("superiorScore"), cls: "superior", values: byMonth.map((r) => r?.avg_superior_percent ?? null) },
      ]),
      h("p", { class: "key" }, h("span", { class: "k self" }, t("selfScore")), " ", h("span", { class: "k superior" }, t("superiorScore"))),
      meanGap === null ? null : h("p", { class: "gap", id: "gap" }, t("gapNote", { gap: num(meanGap) }))));
}

export async function homeView(params) {
  const year = Number(params.get("year")) || currentYear();
  const units = await unitChoices(year);
  const unit = params.get("unit") || units[0]?.code;
  const unitName = units.find((u) => u.code === unit)?.name || unit;
  const [grid, stats] = await Promise.all([api.grid(unit, year), api.stats(unit, year).catch(() => [])]);
  const exports = h("section", { class: "card exports" }, h("h2", {}, t("exports")),
    h("ul", {}, [["ratings", "exportRatings"], ["attendance", "exportAttendance"]].map(([name, key]) =>
      h("li", {}, t(key), ": ",
        h("a", { href: api.exportUrl(`${name}.csv`, unit, year), download: true }, "CSV"), " · ",
        h("a", { href: api.exportUrl(`${name}.xlsx`, unit, year), download: true }, "XLSX")))));
  return h("div", { class: "home" },
    h("h1", {}, t("heatmapTitle")),
    filters(units, unit, year, "#/"),
    legend(),
    grid.rows.length ? heatmap(grid, unitName) : h("p", { class: "note" }, t("noCells")),
    charts(stats),
    exports);
}
