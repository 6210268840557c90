// Small DOM helpers shared by the screens: element builder, the sync bar and the header.
import * as app from "./app.js";
import { t, getLang } from "./i18n.js";

/** `h("button", {class, onclick}, ...children)`: attributes, `on*` listeners, children. */
export const h = (tag, attrs = {}, ...kids) => {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else if (v === true) el.setAttribute(k, "");
    else if (v !== false && v !== null && v !== undefined) el.setAttribute(k, v);
  }
  for (const kid of kids.flat()) if (kid !== null && kid !== undefined && kid !== false) el.append(kid);
  return el;
};
/** A value as display text ("" for none). */
export const s = (v) => (v === null || v === undefined ? "" : String(v));
/** The app's root element. */
export const root = () => document.getElementById("app");

/** Saved on this phone / sending / everything sent, online or not, and the last sync. */
export function syncBar() {
  const st = app.syncState();
  const label = { local: t("savedLocal"), sending: t("sending"), sent: t("allSent") }[st.kind];
  const when = st.lastSync ? new Date(st.lastSync).toLocaleString(getLang() === "vi" ? "vi-VN" : "en-GB") : "—";
  return h("div", { id: "sync", class: `sync ${st.kind}`, "data-state": st.kind, role: "status" },
    h("strong", {}, label), " · ", navigator.onLine ? t("online") : t("offline"),
    h("span", { class: "when" }, ` · ${t("lastSync")}: ${when}`));
}

export function header(title, back) {
  return h("header", {},
    back ? h("button", { class: "link", onclick: () => (location.hash = "#/") }, t("back")) : null,
    h("h1", {}, title),
    h("button", { class: "link", id: "settings-btn", onclick: () => (location.hash = "#/settings") }, "⚙"));
}
