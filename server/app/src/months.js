// The cell's meetings by month, kept live: a meeting another phone makes (or edits) shows up
// without a reload (see `app.watchMeetings`).
import * as app from "./app.js";
import { t } from "./i18n.js";
import { h, s, root, syncBar, header } from "./dom.js";

function openLink(period, handle) {
  const status = s(handle.doc()?.status);
  return h("a", { class: "button st-open", href: `#/m/${period}`, "data-status": status || "nhap" }, `${t("open")} · ${t(status || "nhap")}`);
}

function startButton(cell, period) {
  return h("button", { class: "primary start", "data-period": period, onclick: async () => {
    await app.startMeeting(cell, period); location.hash = `#/m/${period}`;
  } }, t("start"));
}

/** Draws the list and returns the function that stops watching it. */
export function renderMonths() {
  const me = app.session.me;
  const cell = me.cell.code;
  const list = h("ul", { class: "months" });
  root().replaceChildren(header(me.cell?.name ?? t("title")), syncBar(), h("h2", {}, t("months")), list);
  const months = app.periods();
  for (const period of months) list.append(h("li", { "data-period": period }, h("span", { class: "period" }, period), h("span", { class: "st" }, "…")));
  if (navigator.onLine) { app.prefetchGenesis(cell); app.followRoster(cell); app.refreshMe(); }
  const slot = (period) => list.querySelector(`li[data-period='${period}'] > :last-child`);
  let stop = null, stopped = false;
  (async () => {
    for (const period of months) {
      if (stopped) return;
      const handle = await app.findMeeting(cell, period).catch(() => null);
      slot(period)?.replaceWith(handle ? openLink(period, handle) : startButton(cell, period));
    }
    if (!stopped) stop = app.watchMeetings(cell, months, (period, handle) => slot(period)?.replaceWith(openLink(period, handle)));
  })();
  return () => { stopped = true; stop?.(); };
}
