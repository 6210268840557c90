import * as api from "../api.js";
import { h } from "../dom.js";
import { t } from "../i18n.js";
import { go, session } from "../main.js";

export async function loginView() {
  const error = h("p", { class: "error", role: "alert", hidden: true });
  const user = h("input", { id: "username", name: "username", autocomplete: "username", required: true });
  const pass = h("input", { id: "password", name: "password", type: "password", autocomplete: "current-password", required: true });
  const form = h("form", { class: "card login" },
    h("h1", {}, t("loginTitle")),
    h("label", { for: "username" }, t("username")), user,
    h("label", { for: "password" }, t("password")), pass,
    error,
    h("button", { type: "submit", class: "primary" }, t("loginButton")));
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    error.hidden = true;
    try {
      await api.login(user.value.trim(), pass.value);
      session.me = await api.me();
      go("#/");
    } catch (err) {
      error.textContent = err.status === 401 ? t("loginFailed") : t("error", { message: err.message });
      error.hidden = false;
    }
  });
  return form;
}
