// The dashboard shell: hash routes, the logged-in user, the language switch.
//   #/login · #/?unit=&year= · #/queue?unit= · #/cell/{cell}/{year} · #/meeting/{id} · #/minutes/{id}

import * as api from "./api.js";
import { h } from "./dom.js";
import { t, getLang, setLang } from "./i18n.js";
import { loginView } from "./views/login.js";
import { homeView } from "./views/home.js";
import { queueView } from "./views/queue.js";
import { cellView } from "./views/cell.js";
import { meetingView } from "./views/meeting.js";
import { minutesView } from "./views/minutes.js";

const main = document.getElementById("main");
export const session = { me: null };

export function go(hash) {
  if (location.hash === hash) route();
  else location.hash = hash;
}

/// The route's path parts and query parameters.
function parse() {
  const raw = location.hash.replace(/^#/, "") || "/";
  const [path, query = ""] = raw.split("?");
  return { parts: path.split("/").filter(Boolean).map(decodeURIComponent), params: new URLSearchParams(query) };
}

function translateStatic() {
  for (const el of document.querySelectorAll("[data-i18n]")) el.textContent = t(el.dataset.i18n);
  document.getElementById("lang").value = getLang();
  document.title = t("brand");
}

function nav(active) {
  const el = document.getElementById("nav");
  el.replaceChildren();
  if (!session.me) return;
  const link = (href, key, name) =>
    h("a", { href, "aria-current": active === name ? "page" : undefined }, t(key));
  el.append(link("#/", "navHome", "home"), link("#/queue", "navQueue", "queue"));
  document.getElementById("logout").hidden = false;
}

async function route() {
  translateStatic();
  const { parts, params } = parse();
  document.body.classList.toggle("printing-page", parts[0] === "minutes");
  if (!session.me && parts[0] !== "login") {
    try {
      session.me = await api.me();
    } catch (e) {
      if (e.status === 401) return go("#/login");
      throw e;
    }
  }
  nav(parts[0] || "home");
  main.replaceChildren(h("p", { class: "loading" }, t("loading")));
  try {
    let view;
    switch (parts[0]) {
      case "login": view = await loginView(); break;
      case "queue": view = await queueView(params); break;
      case "cell": view = await cellView(parts[1], parts[2]); break;
      case "meeting": view = await meetingView(parts[1]); break;
      case "minutes": view = await minutesView(parts[1]); break;
      default: view = await homeView(params);
    }
    main.replaceChildren(view);
    main.focus({ preventScroll: true });
  } catch (e) {
    if (e.status === 401) {
      session.me = null;
      return go("#/login");
    }
    const message = e.status === 404 ? t("notFound") : t("error", { message: e.message });
    main.replaceChildren(h("p", { class: "error", role: "alert" }, message));
  }
}

document.getElementById("lang").addEventListener("change", (e) => {
  setLang(e.target.value);
  route();
});
document.getElementById("logout").addEventListener("click", async () => {
  await api.logout();
  session.me = null;
  document.getElementById("logout").hidden = true;
  go("#/login");
});
window.addEventListener("hashchange", route);
setLang(getLang());
route();
