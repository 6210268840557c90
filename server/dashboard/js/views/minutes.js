// The printable minutes in the party's layout (header, title, "…, ngày … tháng … năm …",
// body sections, signatures). The page is in Vietnamese whatever the interface language:
// it is the official record. Print styles are in print.css.

import * as api from "../api.js";
import { h } from "../dom.js";
import { t } from "../i18n.js";

export const memberName = (r, id) => (id && r.roster?.[id]?.fullName) || "";

const hm = (s) => (s && s.length >= 16 ? s.slice(11, 16).replace(":", " giờ ") + " phút" : "");
const dmy = (s) => (s && s.length >= 10 ? `${s.slice(8, 10)}/${s.slice(5, 7)}/${s.slice(0, 4)}` : "");

export function timeRange(r) {
  if (!r.startedAt) return "";
  const end = r.endedAt ? `, kết thúc lúc ${hm(r.endedAt)}` : "";
  return `Bắt đầu lúc ${hm(r.startedAt)} ngày ${dmy(r.startedAt)}${end}`;
}

const ABSENT = { vang_co_ly_do: "vắng có lý do", vang_khong_ly_do: "vắng không lý do", mien: "miễn sinh hoạt" };
const FOLLOW = { da_hoan_thanh: "đã hoàn thành", dang_thuc_hien: "đang thực hiện", chua_thuc_hien: "chưa thực hiện" };
const CRIT = { bieu_duong: "Biểu dương", nhac_nho: "Nhắc nhở", phe_binh: "Phê bình", tu_phe_binh: "Tự phê bình" };

/// "Hoa Lư" from "Đảng ủy phường Hoa Lư": the place named in the date line.
function placeName(committee) {
  return (committee || "").replace(/^(Đảng ủy|Đảng bộ|Chi bộ)\s+/i, "").replace(/^(phường|xã|thị trấn|huyện|quận|thành phố|tỉnh)\s+/i, "");
}

function section(n, title, ...body) {
  return h("section", { class: "mm-section" }, h("h2", {}, `${n}. ${title}`), body);
}

export async function minutesView(id) {
  const m = await api.minutes(id);
  const f = m.facts;
  const r = m.record || {};
  const date = (r.startedAt || f.held_on || f.scheduled_date || "").slice(0, 10);
  const [yy, mm, dd] = date ? date.split("-") : ["……", "……", "……"];
  const name = (id) => memberName(r, id) || id || "……";
  const roster = Object.entries(r.roster || {});
  const att = r.attendance || {};
  const absentees = roster.filter(([mid]) => ABSENT[att[mid]?.status]);
  const chair = name(r.chairMemberId);
  const recorder = name(r.recorderMemberId);
  const list = (items, render) => (items?.length ? h("ol", {}, items.map((x) => h("li", {}, render(x)))) : h("p", {}, "Không có."));
  const page = h("article", { class: "minutes-page", lang: "vi", id: "minutes" },
    h("header", { class: "mm-header" },
      h("div", { class: "mm-left" },
        h("div", {}, (f.committee_name || "").toUpperCase()),
        h("div", { class: "mm-strong" }, (f.cell_name || r.cellName || "").toUpperCase()),
        h("div", {}, "*"),
        h("div", {}, t("number"))),
      h("div", { class: "mm-right" },
        h("div", { class: "mm-strong mm-underline" }, "ĐẢNG CỘNG SẢN VIỆT NAM"),
        h("div", { class: "mm-date" }, `${placeName(f.committee_name) || "……"}, ngày ${dd} tháng ${mm} năm ${yy}`))),
    h("h1", { class: "mm-title" }, "BIÊN BẢN SINH HOẠT CHI BỘ"),
    h("p", { class: "mm-subtitle" }, `Kỳ sinh hoạt tháng ${Number(f.month) || ""} năm ${f.year || ""}${r.topic ? ` — ${r.topic}` : ""}`),
    section("I", "Thời gian, địa điểm, thành phần",
      h("p", {}, h("b", {}, "Thời gian: "), timeRange(r) || "……"),
      h("p", {}, h("b", {}, "Địa điểm: "), r.location || "……"),
      h("p", {}, h("b", {}, "Chủ trì: "), chair, h("b", {}, "; Thư ký: "), recorder),
      h("p", {}, h("b", {}, "Đảng viên: "), `tổng số ${f.expected}; có mặt ${f.present}; vắng có lý do ${f.absent_excused}; vắng không lý do ${f.absent_unexcused}.`),
      absentees.length
        ? h("ul", {}, absentees.map(([mid, e]) => h("li", {}, `Đồng chí ${e.fullName}: ${ABSENT[att[mid].status]}${att[mid].reason ? ` (${att[mid].reason})` : ""}`)))
        : null,
      r.guests?.length ? h("p", {}, h("b", {}, "Khách mời: "), r.guests.map((g) => `${g.name}${g.position ? `, ${g.position}` : ""}${g.org ? ` ${g.org}` : ""}`).join("; ")) : null),
    section("II", "Nội dung sinh hoạt",
      r.agenda?.length ? list(r.agenda, (a) => a.title) : null,
      r.documentsBriefed?.length ? h("p", {}, h("b", {}, "Quán triệt văn bản: "), r.documentsBriefed.map((d) => `${d.typeCode} số ${d.number} của ${d.issuer}${d.summary ? ` (${d.summary})` : ""}`).join("; ")) : null,
      r.lastMonthReview ? h("p", {}, h("b", {}, "Đánh giá tháng trước: "), r.lastMonthReview) : null,
      r.followUps?.length ? h("ul", {}, r.followUps.map((x) => h("li", {}, `${x.item}: ${FOLLOW[x.status] || x.status}${x.note ? ` (${x.note})` : ""}`))) : null,
      r.ideologySituation ? h("p", {}, h("b", {}, "Tình hình tư tưởng: "), r.ideologySituation) : null,
      r.difficulties ? h("p", {}, h("b", {}, "Khó khăn, vướng mắc: "), r.difficulties) : null),
    section("III", "Ý kiến phát biểu",
      list(r.contributions, (c) => `Đồng chí ${name(c.memberId)}: ${c.summary}`),
      r.criticism?.length ? h("ul", {}, r.criticism.map((c) => h("li", {}, `${CRIT[c.kind] || c.kind} đồng chí ${name(c.memberId)}: ${c.note}`))) : null),
    section("IV", "Kết luận, nghị quyết", h("p", {}, r.resolution || "……")),
    section("V", "Nhiệm vụ",
      list(r.tasks, (x) => `${x.task} — đồng chí ${name(x.assigneeMemberId)} thực hiện${x.due ? `, hạn ${dmy(x.due)}` : ""}`)),
    section("VI", "Biểu quyết",
      list(r.votes, (v) => `${v.subject}: tán thành ${v.for}, không tán thành ${v.against}, không biểu quyết ${v.abstain}.`)),
    h("p", { class: "mm-end" }, r.endedAt ? `Hội nghị kết thúc lúc ${hm(r.endedAt)} cùng ngày. Biên bản đã được thông qua tại hội nghị.` : ""),
    h("div", { class: "mm-signatures" },
      h("div", {}, h("div", { class: "mm-strong" }, "THƯ KÝ"), h("div", { class: "mm-sign" }), h("div", {}, recorder)),
      h("div", {}, h("div", { class: "mm-strong" }, "CHỦ TRÌ"), h("div", { class: "mm-sign" }), h("div", {}, chair))));
  const tools = h("p", { class: "no-print" },
    h("a", { href: `#/meeting/${encodeURIComponent(id)}` }, "← ", t("back")), " ",
    h("button", { type: "button", onclick: () => window.print() }, t("print")));
  return h("div", {}, tools, page);
}
