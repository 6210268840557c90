// Minutes awaiting confirmation (status "đã gửi"), oldest first; each opens the meeting page
// where the committee confirms or returns it.

import * as api from "../api.js";
import { h } from "../dom.js";
import { t, num } from "../i18n.js";
import { unitChoices, currentYear, filters } from "./home.js";

export async function queueView(params) {
  const year = Number(params.get("year")) || currentYear();
  const units = await unitChoices(year);
  const unit = params.get("unit") || units[0]?.code;
  const items = await api.queue(unit);
  const body = items.length
    ? h("div", { class: "scroll" }, h("table", { class: "list", id: "queue" },
        h("thead", {}, h("tr", {}, [t("cell"), t("period"), t("selfLevel"), t("problems"), ""].map((c) => h("th", { scope: "col" }, c)))),
        h("tbody", {}, items.map((q) => h("tr", { "data-doc": q.doc_id },
          h("th", { scope: "row" }, q.cell_name),
          h("td", {}, q.period),
          h("td", {}, q.self_level ? `${t(q.self_level)} (${num(q.self_percent)}%)` : "–"),
          h("td", { class: q.valid ? "" : "bad" }, String(q.problem_count)),
          h("td", {}, h("a", { class: "button", href: `#/meeting/${encodeURIComponent(q.doc_id)}` }, t("review"))))))))
    : h("p", { class: "note" }, t("queueEmpty"));
  return h("div", {}, h("h1", {}, t("queueTitle")), filters(units, unit, year, "#/queue"), body);
}
