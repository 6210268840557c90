// (2) Two phones edit the same meeting offline (attendance, text, the same criterion, the same
// member's attendance) and converge after reconnecting; every conflict is shown side by side with
// its author in both; phone A picks phone B's values and the conflicts end on both.
import { run, phone, loginOnline, goOffline, goOnline, waitSent, record, result, shots } from "./lib.mjs";

const period = process.argv[3] ?? "2026-12";

await run(async (browser) => {
  const a = await phone(browser), b = await phone(browser);
  await loginOnline(a.page);
  await loginOnline(b.page);
  // Phone A starts the meeting online and records the roster.
  await a.page.click(`.months li[data-period='${period}'] button.start`);
  await a.page.waitForSelector("#meeting");
  for (const name of ["Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường"]) {
    const form = a.page.locator("form.add").first();
    await form.locator("input[name=fullName]").fill(name);
    await form.locator("button[type=submit]").click();
    await a.page.waitForSelector(`ul.attendance li:has-text('${name}')`);
  }
  await waitSent(a.page);
  // Phone B (the same secretary's second device, its own credential) listed the months before
  // A made the meeting, so its repo holds "unavailable" for it: opening it must ask the server again.
  await b.page.evaluate((p) => { location.hash = `#/m/${p}`; }, period);
  await b.page.waitForSelector("ul.attendance li:nth-child(3)", { timeout: 30000 }).catch(async (e) => {
    await b.page.screenshot({ path: `${shots}/2-b-failed.png`, fullPage: true });
    console.error("B at", b.page.url(), await b.page.evaluate(() => JSON.stringify(window.chibo?.syncState())));
    throw e;
  });
  const members = await a.page.$$eval("ul.attendance li", (els) => els.map((e) => e.dataset.member));
  const criterion = await a.page.$eval("input[data-award]", (e) => e.dataset.award);
  for (const p of [a, b]) await goOffline(p.context, p.page);
  const act = async (p, member, status, text, points, shared) => {
    await p.page.waitForSelector("#meeting");
    for (const [m, st] of [[member, status], [members[2], shared]]) {
      await p.page.click(`li[data-member='${m}'] button[data-status='${st}']`);
      await p.page.waitForSelector(`li[data-member='${m}'] button[data-status='${st}'].primary`);
    }
    const before = await p.page.$eval("textarea[data-field='resolution']", (e) => e.value);
    await p.page.fill("textarea[data-field='resolution']", `${before} ${text}`);
    await p.page.press("textarea[data-field='resolution']", "Tab");
    await p.page.fill(`input[data-award='${criterion}']`, String(points));
    await p.page.press(`input[data-award='${criterion}']`, "Tab");
    await p.page.waitForSelector("#sync[data-state='local']");
  };
  await act(a, members[0], "vang_co_ly_do", "Ý kiến của máy A.", 1, "co_mat");
  await act(b, members[1], "vang_khong_ly_do", "Ý kiến của máy B.", 2, "mien");
  for (const p of [a, b]) await goOnline(p.context, p.page);
  for (const p of [a, b]) await waitSent(p.page, 30000);
  // Both must hold the same document: wait until their records are equal.
  const canon = (v) => JSON.stringify(v, (k, x) => (x && typeof x === "object" && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort()) : x));
  let ra, rb;
  for (let i = 0; i < 100; i++) {
    [ra, rb] = [await record(a.page), await record(b.page)];
    if (canon(ra) === canon(rb)) break;
    await a.page.waitForTimeout(100);
  }
  if (canon(ra) !== canon(rb)) throw new Error("the two phones did not converge");
  // Both typed into the resolution: its words merged, and both phones ask for it to be read
  // again (no other text was edited on both). Phone A taps "read it"; phone B edits the text
  // instead, an edit made with both in view, which ends it too.
  for (const p of [a, b]) await p.page.waitForSelector(".merged[data-merged='resolution']", { timeout: 10000 });
  const mergedShown = await a.page.$$eval(".merged", (els) => els.map((e) => e.dataset.merged));
  await a.page.screenshot({ path: `${shots}/2-merged-text-a.png`, fullPage: true });
  await a.page.click(".merged[data-merged='resolution'] button");
  await a.page.waitForSelector(".merged", { state: "detached", timeout: 5000 });
  const readAgain = `${await b.page.$eval("textarea[data-field='resolution']", (e) => e.value)} Đã đọc lại.`;
  await b.page.fill("textarea[data-field='resolution']", readAgain);
  await b.page.press("textarea[data-field='resolution']", "Tab");
  await b.page.waitForSelector(".merged", { state: "detached", timeout: 5000 });
  await waitSent(b.page, 30000);
  await a.page.waitForFunction((text) => document.querySelector("textarea[data-field='resolution']")?.value === text, readAgain, { timeout: 20000 });
  if (await a.page.$(".merged")) throw new Error("phone A shows the merged text again after B's edit");
  const path = `selfScore.awarded.${criterion}`;
  const entry = `attendance.${members[2]}`;
  for (const p of [a, b]) for (const x of [path, entry]) await p.page.waitForSelector(`.conflict[data-path='${x}']`, { timeout: 10000 });
  const choices = await a.page.$$eval(`.conflict[data-path='${path}'] button.choose`, (els) => els.map((e) => e.textContent));
  // Online, the other phone's values are named by the server (user and device), not by actor id.
  await a.page.waitForFunction(() => [...document.querySelectorAll(".choice[data-mine='0'] .author")].every((e) => e.dataset.named === "1"), null, { timeout: 15000 });
  const shown = await a.page.$$eval(".conflict", (els) => els.map((e) => ({ path: e.dataset.path,
    authors: [...e.querySelectorAll(".choice")].map((c) => ({ actor: c.dataset.actor, mine: c.dataset.mine === "1", text: c.querySelector(".author").textContent, value: c.querySelector(".value").textContent })) })));
  // The document as phone A holds it, for Rust's `MeetingDoc::conflicts()` to compare with.
  const saved = await a.page.evaluate(() => {
    const id = document.querySelector("#meeting").dataset.docId;
    const bytes = window.chibo.Automerge.save(window.chibo.repo.handles[id].doc());
    let bin = "";
    for (const x of bytes) bin += String.fromCharCode(x);
    return btoa(bin);
  });
  await a.page.screenshot({ path: `${shots}/2-conflict-a.png`, fullPage: true });
  await b.page.screenshot({ path: `${shots}/2-conflict-b.png`, fullPage: true });
  // A picks B's value of both; the pick syncs and both phones stop showing them.
  for (const x of [path, entry]) {
    await a.page.click(`.conflict[data-path='${x}'] .choice[data-mine='0'] button.choose`);
    await a.page.waitForSelector(`.conflict[data-path='${x}']`, { state: "detached", timeout: 10000 });
  }
  await waitSent(a.page, 30000);
  for (const x of [path, entry]) await b.page.waitForSelector(`.conflict[data-path='${x}']`, { state: "detached", timeout: 20000 });
  let picked;
  for (let i = 0; i < 100; i++) {
    [picked, rb] = [await record(a.page), await record(b.page)];
    if (canon(picked) === canon(rb)) break;
    await a.page.waitForTimeout(100);
  }
  if (canon(picked) !== canon(rb)) throw new Error("the two phones did not converge after the pick");
  const docId = await a.page.$eval("#meeting", (e) => e.dataset.docId);
  result({ docId, record: ra, members, criterion, choices, shown, saved, picked, mergedShown });
});
