// Inline SVG charts (no chart library): a line chart of two series over twelve months and a
// stacked bar chart of level counts. Each chart has a <title> and a table-like description
// for screen readers, and scales to its container.

import { s, LEVELS } from "./dom.js";
import { t, num } from "./i18n.js";

const W = 640;
const H = 240;
const PAD = { l: 36, r: 12, t: 12, b: 28 };
const x = (i) => PAD.l + ((W - PAD.l - PAD.r) * (i + 0.5)) / 12;
const y = (v, max) => H - PAD.b - ((H - PAD.t - PAD.b) * v) / max;

function axes(max, step, label) {
  const g = s("g", { class: "axes" });
  for (let v = 0; v <= max; v += step) {
    g.append(
      s("line", { x1: PAD.l, x2: W - PAD.r, y1: y(v, max), y2: y(v, max), class: "grid" }),
      s("text", { x: PAD.l - 4, y: y(v, max) + 4, "text-anchor": "end" }, label(v)),
    );
  }
  for (let m = 0; m < 12; m++) {
    g.append(s("text", { x: x(m), y: H - 8, "text-anchor": "middle" }, t("monthShort", { m: m + 1 })));
  }
  return g;
}

/// `series`: [{name, cls, values: [12 × number|null]}], values in percent.
export function lineChart(title, series) {
  const svg = s("svg", { viewBox: `0 0 ${W} ${H}`, role: "img", class: "chart line-chart" });
  const desc = series
    .map((se) => `${se.name}: ${se.values.map((v, i) => `${t("monthShort", { m: i + 1 })} ${num(v)}`).join(", ")}`)
    .join(". ");
  svg.append(s("title", {}, title), s("desc", {}, desc), axes(100, 25, (v) => `${v}`));
  for (const se of series) {
    let d = "";
    let pen = false;
    se.values.forEach((v, i) => {
      if (v === null || v === undefined) {
        pen = false;
        return;
      }
      d += `${pen ? "L" : "M"}${x(i).toFixed(1)},${y(v, 100).toFixed(1)}`;
      pen = true;
    });
    svg.append(s("path", { d, class: `series ${se.cls}` }));
    se.values.forEach((v, i) => {
      if (v !== null && v !== undefined) {
        svg.append(
          s("circle", { cx: x(i), cy: y(v, 100), r: 4, class: `dot ${se.cls}` }, s("title", {}, `${se.name}, ${t("monthShort", { m: i + 1 })}: ${num(v)}%`)),
        );
      }
    });
  }
  return svg;
}

/// `rows`: 12 objects with counts per level (`tot`, `kha`, `trung_binh`, `kem`, `unconfirmed`).
export function stackedBars(title, rows) {
  const keys = [...LEVELS, "unconfirmed"];
  const max = Math.max(1, ...rows.map((r) => keys.reduce((a, k) => a + (r?.[k] || 0), 0)));
  const step = Math.max(1, Math.ceil(max / 4));
  const top = step * 4;
  const svg = s("svg", { viewBox: `0 0 ${W} ${H}`, role: "img", class: "chart bar-chart" });
  const desc = rows
    .map((r, i) => `${t("monthShort", { m: i + 1 })}: ${keys.map((k) => `${t(k)} ${r?.[k] || 0}`).join(", ")}`)
    .join(". ");
  svg.append(s("title", {}, title), s("desc", {}, desc), axes(top, step, (v) => `${v}`));
  const bw = ((W - PAD.l - PAD.r) / 12) * 0.6;
  rows.forEach((r, i) => {
    let base = 0;
    for (const k of keys) {
      const n = r?.[k] || 0;
      if (!n) continue;
      svg.append(
        s("rect", { x: x(i) - bw / 2, width: bw, y: y(base + n, top), height: y(base, top) - y(base + n, top), class: `lv-${k}` },
          s("title", {}, `${t("monthShort", { m: i + 1 })} · ${t(k)}: ${n}`)),
      );
      base += n;
    }
  });
  return svg;
}
