// The app's edit functions: sync-core's `MeetingOp`s (sync-core/src/doc/ops.rs) applied to an
// Automerge JS document inside `handle.change(d => applyOp(d, op))`, following SCHEMA.md:
// ids, codes, dates and times are scalar strings (ImmutableString), prose is Text edited with
// splice/updateText, list items carry an `id` and are found by it, keyed entries are created only
// when absent. Every text is normalised by sync-core's wasm `normalize` (NFC + Đ folding).
import { Automerge } from "@automerge/automerge-repo/slim";
import { FIELDS, ITEM_FIELDS, ADD_OPS, SHEETS } from "./schema.js";

let normalizeText = (s) => s.normalize("NFC");
/** Installs sync-core's normaliser (from the wasm module). */
export function setNormalizer(fn) { normalizeText = fn; }

const scalar = (v) => new Automerge.ImmutableString(normalizeText(String(v)));

function fail(msg) { throw new Error(msg); }

/** Converts code point indices of `text` to UTF-16 indices (SCHEMA.md: ops count code points). */
function utf16Index(text, cp) {
  let i = 0, n = 0;
  while (n < cp && i < text.length) {
    const c = text.codePointAt(i);
    i += c > 0xffff ? 2 : 1; n += 1;
  }
  return i;
}

function parentOf(doc, path) {
  let obj = doc;
  for (const key of path.slice(0, -1)) {
    if (obj[key] === undefined || obj[key] === null) obj[key] = {};
    obj = obj[key];
  }
  return obj;
}

function writeValue(obj, key, kind, value, path, doc) {
  switch (kind) {
    case "s": obj[key] = scalar(value); break;
    case "b": if (typeof value !== "boolean") fail(`field \`${key}\`: expected a boolean`); obj[key] = value; break;
    case "n": if (!Number.isInteger(value) || value < 0) fail(`field \`${key}\`: expected a whole number`); obj[key] = value; break;
    case "t": setText(doc, path, obj, key, value); break;
    default: fail(`field \`${key}\` cannot be written by this op`);
  }
}

function setText(doc, path, obj, key, value) {
  const text = normalizeText(String(value));
  if (typeof obj[key] === "string") Automerge.updateText(doc, path, text);
  else obj[key] = text; // absent or a scalar written by an old client: becomes Text
}

function spliceTextAt(doc, path, obj, key, index, del, insert) {
  const cur = typeof obj[key] === "string" ? obj[key] : String(obj[key] ?? "");
  const ins = normalizeText(insert);
  const from = utf16Index(cur, index), to = utf16Index(cur, index + del);
  const next = cur.slice(0, from) + ins + cur.slice(to);
  if (typeof obj[key] !== "string") { obj[key] = normalizeText(next); return; }
  if (normalizeText(next) !== next) Automerge.updateText(doc, path, normalizeText(next));
  else Automerge.splice(doc, path, from, to - from, ins);
}

function newItem(list, item) {
  const kinds = ITEM_FIELDS[list];
  const out = {};
  for (const [k, kind] of Object.entries(kinds)) {
    const v = item[k];
    if (v === undefined || v === null) {
      if (kind === "t") out[k] = "";
      else if (kind === "b") out[k] = false;
      else if (kind === "n") out[k] = 0;
      else if (k === "id" || kind === "s") out[k] = scalar("");
    } else if (kind === "s") out[k] = scalar(v);
    else if (kind === "t") out[k] = normalizeText(String(v));
    else out[k] = v;
  }
  if (!item.id) fail(`item in \`${list}\` needs an \`id\``);
  return out;
}

const itemId = (it) => String(it?.id ?? "");

function findItem(doc, list, id) {
  const items = doc[list] ?? fail(`unknown list \`${list}\``);
  const index = items.findIndex((it) => itemId(it) === id);
  if (index < 0) fail(`no item \`${id}\` in \`${list}\``);
  return index;
}

/** Applies one `MeetingOp` (JSON, tagged by `op`) to `doc` inside a change callback. */
export function applyOp(doc, op) {
  switch (op.op) {
    case "setScalar": {
      const kind = FIELDS[op.field];
      if (!kind) fail(`unknown field \`${op.field}\``);
      if (kind === "t" || kind === "fixed") fail(`field \`${op.field}\` cannot be written by this op`);
      const path = op.field.split(".");
      writeValue(parentOf(doc, path), path.at(-1), kind, op.value, path, doc);
      return;
    }
    case "spliceText": case "replaceText": {
      if (FIELDS[op.field] !== "t") fail(`field \`${op.field}\` is not Text`);
      const path = op.field.split(".");
      const obj = parentOf(doc, path);
      if (op.op === "replaceText") setText(doc, path, obj, path.at(-1), op.value);
      else spliceTextAt(doc, path, obj, path.at(-1), op.index, op.delete, op.insert);
      return;
    }
    case "setRosterEntry": {
      const e = doc.roster[op.memberId];
      if (!e) doc.roster[op.memberId] = { fullName: normalizeText(op.fullName), category: scalar(op.category) };
      else {
        setText(doc, ["roster", op.memberId, "fullName"], e, "fullName", op.fullName);
        e.category = scalar(op.category);
      }
      return;
    }
    case "removeRosterEntry": delete doc.roster[op.memberId]; return;
    case "markAttendance": {
      const a = doc.attendance[op.memberId];
      const reason = op.reason ?? "", lateMin = op.lateMin ?? 0;
      if (!a) doc.attendance[op.memberId] = { status: scalar(op.status), reason: normalizeText(reason), lateMin };
      else {
        a.status = scalar(op.status);
        setText(doc, ["attendance", op.memberId, "reason"], a, "reason", reason);
        if (a.lateMin !== lateMin) a.lateMin = lateMin;
      }
      return;
    }
    case "clearAttendance": delete doc.attendance[op.memberId]; return;
    case "updateItem": case "spliceItemText": {
      const kinds = ITEM_FIELDS[op.list] ?? fail(`unknown list \`${op.list}\``);
      const kind = kinds[op.field] ?? fail(`unknown field \`${op.field}\``);
      if (op.field === "id") fail("field `id` cannot be written by this op");
      const index = findItem(doc, op.list, op.id);
      const item = doc[op.list][index];
      const path = [op.list, index, op.field];
      if (op.op === "updateItem") writeValue(item, op.field, kind, op.value, path, doc);
      else if (kind !== "t") fail(`field \`${op.field}\` is not Text`);
      else spliceTextAt(doc, path, item, op.field, op.index, op.delete, op.insert);
      return;
    }
    case "removeItem": doc[op.list].deleteAt(findItem(doc, op.list, op.id)); return;
    case "awardPoints": {
      if (!(op.points >= 0 && op.points <= 1000)) fail("points: expected 0–1000");
      const sheet = doc[SHEETS[op.sheet]];
      if (!sheet.awarded) sheet.awarded = {};
      sheet.awarded[op.criterion] = op.points;
      return;
    }
    case "removeAward": delete doc[SHEETS[op.sheet]].awarded[op.criterion]; return;
    case "setSheetField": return applyOp(doc, { op: op.field === "comment" ? "replaceText" : "setScalar",
      field: `${SHEETS[op.sheet]}.${op.field}`, value: op.value });
    case "setOrgPathSnapshot":
      doc.orgPathSnapshot = op.entries.map((e) => ({ unitId: scalar(e.unitId ?? ""), name: normalizeText(e.name ?? "") }));
      return;
    default: {
      const list = ADD_OPS[op.op];
      if (!list) fail(`unknown op \`${op.op}\``);
      if (doc[list].some((it) => itemId(it) === String(op.item.id))) fail(`item \`${op.item.id}\` already in \`${list}\``);
      doc[list].push(newItem(list, op.item));
    }
  }
}

/** The document as a plain record (the JSON of sync-core's `MeetingRecord`). */
export function toRecord(doc) {
  const plain = (v) => {
    if (Automerge.isImmutableString ? Automerge.isImmutableString(v) : v instanceof Automerge.ImmutableString) return v.toString();
    if (Array.isArray(v)) return v.map(plain);
    if (v && typeof v === "object") {
      const o = {};
      for (const [k, x] of Object.entries(v)) o[k] = plain(x);
      return o;
    }
    return v;
  };
  const r = plain(doc);
  // Empty maps mean "not recorded" for these optional groups (SCHEMA.md).
  for (const k of ["rosterCounts", "dues"]) if (r[k] && Object.keys(r[k]).length === 0) r[k] = null;
  return r;
}
