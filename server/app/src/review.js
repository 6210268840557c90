// The parts of the meeting screen about review and merging: conflicts from concurrent edits
// side by side with their authors, the committee's return with its reason and the "edit and
// resubmit" flow, and the status with its submit button.
import * as app from "./app.js";
import { t } from "./i18n.js";
import { h, s } from "./dom.js";

const section = (title, ...kids) => h("section", {}, h("h2", {}, title), ...kids);

/** A value of a conflict for people: codes translated, entries as their non-empty fields. */
function show(v) {
  if (v === null || v === undefined || v === "") return "—";
  if (Array.isArray(v)) return v.map(show).join("; ");
  if (typeof v === "object") return Object.values(v).filter((x) => x !== "" && x !== 0 && x !== null).map(show).join(" · ");
  if (typeof v === "boolean") return v ? "✓" : "✗";
  return t(String(v));
}

/** Every conflict as a card: the field, then each value with who wrote it and a "choose" button
 * that writes that value again (ending the conflict on every device once synced). */
export function conflictCards(handle, doc) {
  const list = app.conflictsOf(doc);
  if (!list.length) return null;
  const docId = handle.documentId;
  const cards = section(t("conflicts"), ...list.map((c) => h("div", { class: "conflict", "data-path": c.path },
    h("div", { class: "conflict-path" }, c.path),
    h("div", { class: "side-by-side" }, ...c.values.map((v) => h("div", { class: "choice", "data-actor": v.actor, "data-mine": v.mine ? "1" : "0" },
      h("div", { class: "value" }, show(v.value)),
      h("small", { class: "author", "data-actor": v.actor }),
      h("button", { class: "choose", "data-actor": v.actor, onclick: () => app.resolveConflict(handle, c.keys, v.typed) }, t("choose"))))))));
  const name = () => {
    const known = app.knownAuthors(docId);
    for (const el of cards.querySelectorAll(".author")) {
      const mine = el.closest(".choice").dataset.mine === "1", a = known[el.dataset.actor];
      el.textContent = mine ? t("thisPhone") : authorLabel(a, el.dataset.actor);
      el.dataset.named = mine || a?.displayName || a?.deviceName ? "1" : "0";
    }
  };
  name();
  const others = [...new Set(list.flatMap((c) => c.values.filter((v) => !v.mine).map((v) => v.actor)))];
  app.refreshAuthors(docId, others).then((arrived) => { if (arrived) name(); });
  return cards;
}

/** "Name (device)" of an author the server named, else "another device 1a2b3c4d". */
function authorLabel(author, actor) {
  const who = author?.displayName, device = author?.deviceName;
  if (who && device) return `${who} (${device})`;
  return who || device || `${t("otherDevice")} ${actor.slice(0, 8)}`;
}

const fixing = new Map(); // docId -> heads when "edit and resubmit" was pressed

/** The committee's return: its reason, and "edit and resubmit": once pressed, the secretary edits
 * the minutes and "resubmit" (enabled after an edit) sets the status back to submitted. */
export function returnedBanner(handle, rec) {
  if (rec.status !== "tra_lai") { fixing.delete(handle.documentId); return null; }
  const heads = fixing.get(handle.documentId);
  const banner = h("div", { class: "returned", id: "returned" },
    h("strong", {}, t("returned")), h("p", { id: "return-reason" }, `${t("returnReason")}: ${s(rec.returnReason)}`));
  if (!heads) {
    banner.append(h("button", { class: "primary", id: "fix-returned", onclick: () => {
      fixing.set(handle.documentId, app.Automerge.getHeads(handle.doc()));
      banner.replaceWith(returnedBanner(handle, app.toRecord(handle.doc())));
      document.querySelector("#meeting section")?.scrollIntoView();
    } }, t("fixReturned")));
  } else {
    const now = app.Automerge.getHeads(handle.doc());
    const edited = now.length !== heads.length || now.some((x) => !heads.includes(x));
    banner.append(h("p", {}, t(edited ? "fixedReady" : "fixing")),
      h("button", { class: "primary", id: "resubmit", disabled: !edited, onclick: () => {
        fixing.delete(handle.documentId);
        app.edit(handle, { op: "setScalar", field: "status", value: "da_gui" });
      } }, t("resubmit")));
  }
  return banner;
}

/** The status, with "submit" for a draft. */
export function statusSection(handle, rec) {
  return section(t("status"), h("p", { id: "status", "data-status": rec.status }, t(rec.status)),
    rec.status === "nhap"
      ? h("button", { class: "primary", id: "submit", onclick: () => app.edit(handle, { op: "setScalar", field: "status", value: "da_gui" }) }, t("submit"))
      : rec.status === "da_gui" ? h("p", {}, t("submitted")) : null);
}
