// Concurrent writes to one key, found the way sync-core's `MeetingDoc::conflicts()` finds them
// (sync-core/src/doc/conflicts.rs): walk every map and list, report each key that holds more than
// one value, with the device (Automerge actor) that wrote each. Paths use the same spelling:
// dotted keys, list items by their `id` (`agenda[a1].done`), else by index. Text is not walked
// (characters merge). The winner (what the record shows) comes first.
import { Automerge } from "@automerge/automerge-repo/slim";

const isImmutable = (v) => (Automerge.isImmutableString ? Automerge.isImmutableString(v) : v instanceof Automerge.ImmutableString);
const isObject = (v) => v !== null && typeof v === "object" && !isImmutable(v) && !(v instanceof Date) && !(v instanceof Uint8Array);

/** A value with its Automerge kind kept, so that picking it writes the same kind back:
 * `{k:"s"}` scalar string, `{k:"t"}` Text, `{k:"v"}` number/boolean/null, `{k:"m"}` map, `{k:"l"}` list. */
function typed(v) {
  if (isImmutable(v)) return { k: "s", v: v.toString() };
  if (typeof v === "string") return { k: "t", v };
  if (Array.isArray(v)) return { k: "l", v: v.map(typed) };
  if (isObject(v)) return { k: "m", v: Object.fromEntries(Object.entries(v).map(([key, x]) => [key, typed(x)])) };
  return { k: "v", v };
}

/** The plain JSON of a typed value (as sync-core's `ConflictValue.value`). */
export function plainOf(t) {
  if (t.k === "l") return t.v.map(plainOf);
  if (t.k === "m") return Object.fromEntries(Object.entries(t.v).map(([key, x]) => [key, plainOf(x)]));
  return t.v;
}

function build(t) {
  switch (t.k) {
    case "s": return new Automerge.ImmutableString(t.v);
    case "l": return t.v.map(build);
    case "m": return Object.fromEntries(Object.entries(t.v).map(([key, x]) => [key, build(x)]));
    default: return t.v; // "t" (a JS string becomes Text) and plain values
  }
}

const itemName = (item) => (isObject(item) && !Array.isArray(item) && item.id !== undefined && item.id !== null ? String(item.id) : null);

/** `[opId, actor]` ordered as Automerge picks the winner: highest counter, then highest actor. */
function order(entries) {
  const parse = (id) => { const at = id.indexOf("@"); return [Number(id.slice(0, at)), id.slice(at + 1)]; };
  return entries.map(([id, v]) => [...parse(id), v]).sort((a, b) => b[0] - a[0] || (a[1] < b[1] ? 1 : a[1] > b[1] ? -1 : 0));
}

/** Every field of the document, depth first: `{obj, prop, child, path, keys}`. `path` is spelled
 * as sync-core spells it; `keys` locates the field again (strings for map keys, `{id}` for list
 * items with an id, numbers for other list positions). */
function* fields(obj, path = "", keys = []) {
  const list = Array.isArray(obj);
  for (const prop of list ? obj.map((_, i) => i) : Object.keys(obj)) {
    const child = obj[prop];
    const name = list ? itemName(child) : null;
    const here = list ? `${path}[${name ?? prop}]` : path ? `${path}.${prop}` : prop;
    const at = [...keys, list ? (name !== null ? { id: name } : prop) : prop];
    yield { obj, prop, child, path: here, keys: at };
    if (isObject(child)) yield* fields(child, here, at);
  }
}

/** Every conflict: `{path, keys, values: [{value, typed, actor}]}` (see `fields`). */
export function conflicts(doc) {
  const out = [];
  for (const { obj, prop, path, keys } of fields(doc)) {
    const all = Automerge.getConflicts(obj, prop);
    if (all && Object.keys(all).length > 1) {
      out.push({ path, keys,
        values: order(Object.entries(all)).map(([, actor, v]) => { const t = typed(v); return { value: plainOf(t), typed: t, actor }; }) });
    }
  }
  return out;
}

/** Resolves a conflict inside a change callback: writes the chosen value again at `keys` (a new
 * op that supersedes every concurrent one), with the kind it had. */
export function pick(doc, keys, chosen) {
  let obj = doc;
  const at = (o, k) => (typeof k === "object" ? o.findIndex((it) => itemName(it) === k.id) : k);
  for (const k of keys.slice(0, -1)) {
    const i = at(obj, k);
    if (i === -1 || obj[i] === undefined) throw new Error("the conflicting field is gone");
    obj = obj[i];
  }
  const last = at(obj, keys.at(-1));
  if (last === -1) throw new Error("the conflicting item is gone");
  // Automerge skips a put of the value the key already shows, which would leave the conflict
  // in place when the chosen value is the winner: write null first, then the value.
  if (chosen.k !== "m" && chosen.k !== "l") obj[last] = null;
  obj[last] = build(chosen);
}

/** A tracker of the text fields two phones edited at the same time that nobody has edited
 * since: call it with each new version of one document; it answers `[{path, actors, key}]`.
 * Concurrent edits to one text do not conflict, their characters merge, so the merged words may
 * not read well; the app asks the secretary to read them again. Found from the change graph:
 * per Text object, the edits that no later edit of the same object builds on (each change's
 * history as a vector clock, actor → highest sequence number); two or more such edits means two
 * phones' words were merged. An edit made after seeing them (whose history holds both) ends it.
 * `key` names that state, so "read it" is remembered until it changes. Each call decodes only
 * the changes new since the last (a whole 5,000-change document takes ~0.1 s to decode). */
export function textMerges() {
  let prev = null;
  const clocks = new Map(); // change hash -> {actor: seq}
  const frontier = new Map(); // object id -> edits nothing later builds on
  const add = (fresh) => {
    const byHash = new Map(fresh.map((c) => [c.hash, c]));
    const clockOf = (hash) => {
      // Iterative depth-first: a long chain of changes must not overflow the stack.
      const stack = [hash];
      while (stack.length) {
        const h = stack.at(-1);
        if (clocks.has(h)) { stack.pop(); continue; }
        const c = byHash.get(h);
        const missing = (c?.deps ?? []).filter((d) => !clocks.has(d) && byHash.has(d));
        if (missing.length) { stack.push(...missing); continue; }
        const clock = {};
        for (const d of c?.deps ?? []) for (const [a, n] of Object.entries(clocks.get(d) ?? {})) if ((clock[a] ?? 0) < n) clock[a] = n;
        if (c) clock[c.actor] = c.seq;
        clocks.set(h, clock);
        stack.pop();
      }
      return clocks.get(hash);
    };
    // A change's history holds sum(clock) changes, more than any change in it: a causal order.
    const size = (h) => Object.values(clockOf(h)).reduce((sum, n) => sum + n, 0);
    for (const hash of [...byHash.keys()].sort((x, y) => size(x) - size(y))) {
      const c = byHash.get(hash), clock = clockOf(hash);
      for (const obj of new Set(c.ops.map((op) => op.obj))) {
        const kept = (frontier.get(obj) ?? []).filter((e) => (clock[e.actor] ?? 0) < e.seq);
        kept.push({ actor: c.actor, seq: c.seq, hash });
        frontier.set(obj, kept);
      }
    }
  };
  return (doc) => {
    add((prev ? Automerge.getChanges(prev, doc) : Automerge.getAllChanges(doc)).map(Automerge.decodeChange));
    prev = doc;
    const out = [];
    for (const { obj, prop, child, path } of fields(doc)) {
      if (typeof child !== "string") continue;
      const edits = frontier.get(Automerge.getObjectId(obj, prop)) ?? [];
      if (edits.length > 1) out.push({ path, actors: edits.map((e) => e.actor).sort(), key: edits.map((e) => e.hash).sort().join(",") });
    }
    return out;
  };
}
