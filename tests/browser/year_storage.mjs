// Measures the device storage of a year of one cell's minutes: twelve complete meetings made in
// the browser through the app's own functions (roster, attendance, times, guests, agenda,
// contributions, criticism, resolution, tasks, votes, self-score, submitted), one change per
// field as the screen commits them. Prints `navigator.storage.estimate()` and the bytes of
// automerge-repo's stored chunks in IndexedDB.
import { run, phone, loginOnline, result } from "./lib.mjs";

await run(async (browser) => {
  const { page } = await phone(browser);
  await loginOnline(page);
  const before = await page.evaluate(async () => (await navigator.storage.estimate()).usageDetails ?? {});
  const t0 = Date.now();
  const made = await page.evaluate(async () => {
    const app = window.chibo;
    const cell = app.session.me.cell.code;
    // A year the demo data set has not touched, so only these twelve meetings are measured.
    const months = Array.from({ length: 12 }, (_, i) => `2027-${String(i + 1).padStart(2, "0")}`);
    const text = (n, seed) => Array.from({ length: n }, (_, i) => ["Chi bộ", "đảng viên", "thống nhất", "nhiệm vụ", "khu phố", "vệ sinh", "an ninh", "trật tự", "học tập", "nghị quyết"][(i * 7 + seed) % 10]).join(" ") + ".";
    const ids = [];
    const started = Date.now();
    for (const [mi, period] of months.entries()) {
      console.log(`month ${period} at ${Date.now() - started} ms`);
      const handle = await app.startMeeting(cell, period);
      const e = (...ops) => app.edit(handle, ...ops);
      if (Object.keys(handle.doc().roster ?? {}).length < 6) {
        for (let i = 1; i <= 10; i++) e({ op: "setRosterEntry", memberId: `m${i}`, fullName: `Nguyễn Văn Thành Viên ${i}`, category: i > 8 ? "du_bi" : "chinh_thuc" });
      }
      const members = Object.keys(handle.doc().roster);
      const day = `${period}-03`;
      e({ op: "setScalar", field: "scheduledDate", value: day });
      e({ op: "setScalar", field: "startedAt", value: `${day}T19:30` });
      for (const [i, m] of members.entries()) e({ op: "markAttendance", memberId: m, status: i === 3 ? "vang_co_ly_do" : "co_mat", reason: i === 3 ? "Đi công tác xa" : "" });
      e({ op: "setScalar", field: "chairMemberId", value: members[0] });
      e({ op: "setScalar", field: "recorderMemberId", value: members[1] });
      e({ op: "replaceText", field: "location", value: "Nhà văn hóa khu phố" });
      e({ op: "addGuest", item: { id: `g-${mi}`, name: "Lê Văn Dũng", position: "Đảng ủy viên", org: "Đảng ủy phường", isSuperiorDelegate: true } });
      for (const a of handle.doc().agenda) e({ op: "updateItem", list: "agenda", id: String(a.id), field: "done", value: true });
      e({ op: "replaceText", field: "lastMonthReview", value: text(60, mi) });
      e({ op: "replaceText", field: "ideologySituation", value: text(50, mi + 1) });
      for (let k = 0; k < 5; k++) e({ op: "addContribution", item: { id: `c-${mi}-${k}`, memberId: members[k + 1], itemRef: "", summary: text(25, k) } });
      e({ op: "addCriticism", item: { id: `k-${mi}-0`, memberId: members[2], kind: "bieu_duong", note: text(10, 3) } });
      e({ op: "addCriticism", item: { id: `k-${mi}-1`, memberId: members[4], kind: "nhac_nho", note: text(10, 4) } });
      e({ op: "replaceText", field: "resolution", value: text(80, mi + 2) });
      for (let k = 0; k < 3; k++) e({ op: "addTask", item: { id: `t-${mi}-${k}`, task: text(12, k), assigneeMemberId: members[k], due: `${period}-25` } });
      e({ op: "addVote", item: { id: `v-${mi}`, subject: "Thông qua nghị quyết", for: members.length - 1, against: 0, abstain: 0, method: "gio_tay" } });
      e({ op: "setScalar", field: "endedAt", value: `${day}T21:15` });
      const report = app.scoreOf(app.toRecord(handle.doc()));
      for (const c of report.score.criteria.filter((c) => c.applicable && c.kind === "awarded")) e({ op: "awardPoints", sheet: "self", criterion: c.id, points: c.max });
      e({ op: "setScalar", field: "status", value: "da_gui" });
      ids.push(handle.documentId);
    }
    await app.repo.flush(ids);
    return { ids, months };
  });
  const createMs = Date.now() - t0;
  const measured = await page.evaluate(async (ids) => {
    const est = await navigator.storage.estimate();
    const db = await new Promise((resolve, reject) => {
      const req = indexedDB.open("chibo-minutes");
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
    const rows = await new Promise((resolve, reject) => {
      const store = db.transaction(db.objectStoreNames[0], "readonly").objectStore(db.objectStoreNames[0]);
      const out = [];
      const cur = store.openCursor();
      cur.onsuccess = () => {
        const c = cur.result;
        if (!c) return resolve(out);
        const key = Array.isArray(c.key) ? c.key : [String(c.key)];
        const v = c.value;
        const bytes = v?.binary?.byteLength ?? v?.byteLength ?? 0;
        out.push({ doc: String(key[0]), kind: String(key[1] ?? ""), bytes });
        c.continue();
      };
      cur.onerror = () => reject(cur.error);
    });
    const mine = rows.filter((r) => ids.includes(r.doc));
    const byKind = {};
    for (const r of mine) byKind[r.kind] = (byKind[r.kind] ?? 0) + r.bytes;
    const handles = window.chibo.repo.handles;
    const saved = ids.map((id) => window.chibo.Automerge.save(handles[id].doc()).byteLength);
    const records = ids.map((id) => window.chibo.toRecord(handles[id].doc()));
    return {
      usage: est.usage, usageDetails: est.usageDetails ?? {},
      chunkBytes: mine.reduce((a, r) => a + r.bytes, 0), chunkRows: mine.length, byKind,
      allChunkBytes: rows.reduce((a, r) => a + r.bytes, 0), allRows: rows.length,
      savedBytes: saved.reduce((a, b) => a + b, 0), docsFound: new Set(mine.map((r) => r.doc)).size,
      counts: records.map((r) => ({ status: r.status, contributions: r.contributions.length, tasks: r.tasks.length, followUps: r.followUps.length, attendance: Object.keys(r.attendance).length })),
    };
  }, made.ids);
  result({ ...made, createMs, before, ...measured });
});
