// The shared op corpus applied by the app's own edit functions (applyOp) on the genesis the
// server serves; prints each resulting document (base64) for the Rust driver to compare with
// sync-core's typed ops, plus the id/genesis checks.
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { run, phone, loginOnline, result } from "./lib.mjs";

const dir = process.argv[3];
const corpus = readdirSync(dir).filter((f) => f.endsWith(".json")).sort()
  .map((name) => ({ name, ...JSON.parse(readFileSync(join(dir, name), "utf8")) }));

await run(async (browser) => {
  const { page } = await phone(browser);
  await loginOnline(page);
  const out = await page.evaluate(async (files) => {
    const { Automerge, applyOp, toRecord, core, fetchGenesis } = window.chibo;
    const b64 = (u8) => btoa(Array.from(u8, (c) => String.fromCharCode(c)).join(""));
    const res = [];
    for (const f of files) {
      const g = await fetchGenesis(f.cell, f.period);
      const wasmId = core.regularMeetingId(f.cell, f.period);
      const rosterWasmId = core.rosterId(f.cell);
      let doc = Automerge.load(g.bytes);
      const resaved = Automerge.save(doc);
      for (const op of f.ops) doc = Automerge.change(doc, (d) => applyOp(d, op));
      res.push({ name: f.name, serverId: g.docId, wasmId, rosterWasmId, genesis: b64(g.bytes), genesisResaved: b64(resaved), doc: b64(Automerge.save(doc)), record: toRecord(doc) });
    }
    return res;
  }, corpus);
  result(out);
});
