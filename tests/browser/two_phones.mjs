// (2) Two phones edit the same meeting offline (attendance, text, the same criterion) and
// converge after reconnecting; the conflicting criterion is shown side by side in both.
import { run, phone, loginOnline, goOffline, goOnline, waitSent, record, result, shots } from "./lib.mjs";

const period = process.argv[3] ?? "2026-12";

await run(async (browser) => {
  const a = await phone(browser), b = await phone(browser);
  await loginOnline(a.page);
  await loginOnline(b.page);
  // Phone A starts the meeting online and records the roster.
  await a.page.click(`.months li[data-period='${period}'] button.start`);
  await a.page.waitForSelector("#meeting");
  for (const name of ["Nguyễn Văn An", "Trần Thị Bình"]) {
    const form = a.page.locator("form.add").first();
    await form.locator("input[name=fullName]").fill(name);
    await form.locator("button[type=submit]").click();
    await a.page.waitForSelector(`ul.attendance li:has-text('${name}')`);
  }
  await waitSent(a.page);
  // Phone B (the same secretary's second device, its own credential) listed the months before
  // A made the meeting, so its repo holds "unavailable" for it: opening it must ask the server again.
  await b.page.evaluate((p) => { location.hash = `#/m/${p}`; }, period);
  await b.page.waitForSelector("ul.attendance li:nth-child(2)", { timeout: 30000 }).catch(async (e) => {
    await b.page.screenshot({ path: `${shots}/2-b-failed.png`, fullPage: true });
    console.error("B at", b.page.url(), await b.page.evaluate(() => JSON.stringify(window.chibo?.syncState())));
    throw e;
  });
  const members = await a.page.$$eval("ul.attendance li", (els) => els.map((e) => e.dataset.member));
  const criterion = await a.page.$eval("input[data-award]", (e) => e.dataset.award);
  for (const p of [a, b]) await goOffline(p.context, p.page);
  const act = async (p, member, status, text, points) => {
    await p.page.waitForSelector("#meeting");
    await p.page.click(`li[data-member='${member}'] button[data-status='${status}']`);
    await p.page.waitForSelector(`li[data-member='${member}'] button[data-status='${status}'].primary`);
    const before = await p.page.$eval("textarea[data-field='resolution']", (e) => e.value);
    await p.page.fill("textarea[data-field='resolution']", `${before} ${text}`);
    await p.page.press("textarea[data-field='resolution']", "Tab");
    await p.page.fill(`input[data-award='${criterion}']`, String(points));
    await p.page.press(`input[data-award='${criterion}']`, "Tab");
    await p.page.waitForSelector("#sync[data-state='local']");
  };
  await act(a, members[0], "vang_co_ly_do", "Ý kiến của máy A.", 1);
  await act(b, members[1], "vang_khong_ly_do", "Ý kiến của máy B.", 2);
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
  const path = `selfScore.awarded.${criterion}`;
  for (const p of [a, b]) await p.page.waitForSelector(`.conflict[data-path='${path}']`, { timeout: 10000 });
  const choices = await a.page.$$eval(`.conflict[data-path='${path}'] button`, (els) => els.map((e) => e.textContent));
  await a.page.screenshot({ path: `${shots}/2-conflict-a.png`, fullPage: true });
  await b.page.screenshot({ path: `${shots}/2-conflict-b.png`, fullPage: true });
  const docId = await a.page.$eval("#meeting", (e) => e.dataset.docId);
  result({ docId, record: ra, members, criterion, choices });
});
