// Bootstrap: Automerge's wasm and sync-core's wasm, then the service worker and the first screen.
import { initializeWasm } from "@automerge/automerge-repo/slim";
import amWasm from "@automerge/automerge/automerge.wasm?url";
import initCore, { normalize } from "./wasm/core.js";
import coreWasm from "./wasm/core_bg.wasm?url";
import { setNormalizer } from "./edit.js";
import { setLang, getLang } from "./i18n.js";
import * as app from "./app.js";
import { route } from "./ui.js";
import "./style.css";

await Promise.all([initializeWasm(amWasm), initCore({ module_or_path: coreWasm })]);
setNormalizer(normalize);
setLang(getLang());

if (import.meta.env.PROD && "serviceWorker" in navigator) {
  navigator.serviceWorker.register(`${import.meta.env.BASE_URL}sw.js`, { scope: import.meta.env.BASE_URL });
  navigator.storage?.persist?.();
}
window.addEventListener("hashchange", route);
window.addEventListener("online", route);
window.addEventListener("offline", route);
// For the browser tests and for support: the same functions the UI uses.
window.chibo = app;
await route();
document.body.dataset.ready = "1";
