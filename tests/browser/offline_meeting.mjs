// (1) Log in online, go offline, reload, create and complete a meeting, go online: the server
// gets it. Also measures time to interactive offline and the storage used.
import { run, phone, loginOnline, goOffline, goOnline, waitSent, record, ready, result, shots } from "./lib.mjs";

const period = process.argv[3] ?? "2026-12";

await run(async (browser) => {
  const { context, page } = await phone(browser);
  await loginOnline(page);
  await page.screenshot({ path: `${shots}/1-months-online.png`, fullPage: true });

  await context.setOffline(true);
  const t0 = Date.now();
  await page.reload();
  await ready(page);
  await page.waitForSelector(`.months li[data-period='${period}'] button.start`);
  const ttiOfflineMs = Date.now() - t0;

  await page.click(`.months li[data-period='${period}'] button.start`);
  await page.waitForSelector("#meeting");
  // The roster comes from the cell's roster document, synced while online.
  await page.waitForSelector("ul.attendance li");
  const members = await page.$$eval("ul.attendance li", (els) => els.map((e) => e.dataset.member));
  for (const [i, m] of members.entries()) {
    const status = i === members.length - 1 ? "vang_co_ly_do" : "co_mat";
    await page.click(`li[data-member='${m}'] button[data-status='${status}']`);
    await page.waitForSelector(`li[data-member='${m}'] button[data-status='${status}'].primary`);
  }
  await page.fill(`input[data-reason='${members.at(-1)}']`, "Đi công tác");
  await page.press(`input[data-reason='${members.at(-1)}']`, "Tab");
  for (const [field, value] of [["startedAt", "2026-12-03T08:00"], ["endedAt", "2026-12-03T10:05"]]) {
    await page.fill(`input[data-field='${field}']`, value);
    await page.press(`input[data-field='${field}']`, "Tab");
  }
  await page.fill("input[data-field='location']", "Hội trường khu phố");
  await page.press("input[data-field='location']", "Tab");
  const addIn = async (sectionIdx, fill) => {
    const form = page.locator("form.add").nth(sectionIdx);
    await fill(form);
    await form.locator("button[type=submit]").click();
  };
  // forms in order: roster, guests, agenda, contributions, criticism, tasks, votes
  await addIn(1, async (f) => { await f.locator("input[name=name]").fill("Lê Văn Dũng"); await f.locator("input[name=position]").fill("Đảng ủy viên"); await f.locator("input[name=sup]").check(); });
  await addIn(3, async (f) => { await f.locator("select[name=memberId]").selectOption(members[1]); await f.locator("textarea[name=summary]").fill("Đề nghị tăng cường vệ sinh môi trường"); });
  await addIn(4, async (f) => { await f.locator("select[name=memberId]").selectOption(members[0]); await f.locator("select[name=kind]").selectOption("bieu_duong"); await f.locator("input[name=note]").fill("Hoàn thành tốt"); });
  await page.fill("textarea[data-field='resolution']", "Chi bộ thống nhất ba nhiệm vụ trọng tâm tháng 12.");
  await page.press("textarea[data-field='resolution']", "Tab");
  await addIn(5, async (f) => { await f.locator("input[name=task]").fill("Tổ chức dọn vệ sinh"); await f.locator("select[name=assignee]").selectOption(members[0]); await f.locator("input[name=due]").fill("2026-12-20"); });
  await addIn(6, async (f) => { await f.locator("input[name=subject]").fill("Thông qua nghị quyết"); await f.locator("input[name=for]").fill(String(members.length - 1)); });
  const awards = await page.$$eval("input[data-award]", (els) => els.map((e) => [e.dataset.award, e.max]));
  for (const [id, max] of awards.slice(0, 3)) {
    await page.fill(`input[data-award='${id}']`, String(max));
    await page.press(`input[data-award='${id}']`, "Tab");
  }
  await page.click("#submit");
  await page.waitForSelector("#sync[data-state='local']");
  await page.screenshot({ path: `${shots}/1-meeting-offline.png`, fullPage: true });

  // Still offline: a reload brings everything back from IndexedDB.
  await page.reload();
  await ready(page);
  await page.waitForSelector("#score");
  if (await page.$(".merged")) throw new Error("one phone alone never merges words");
  const offline = await record(page);
  if (offline.status !== "da_gui") throw new Error(`status after offline reload: ${offline.status}`);
  const shown = await page.$eval("#score", (e) => ({ total: Number(e.dataset.total), level: e.dataset.level, rubric: e.dataset.rubric }));

  await goOnline(context, page);
  await waitSent(page, 30000);
  await page.screenshot({ path: `${shots}/1-meeting-sent.png`, fullPage: true });
  const docId = await page.$eval("#meeting", (e) => e.dataset.docId);
  const report = await page.evaluate((rec) => window.chibo.scoreOf(rec), offline);
  const storage = await page.evaluate(async () => (await navigator.storage.estimate()).usageDetails ?? {});
  result({ docId, shown, report, record: offline, ttiOfflineMs, storage });
});
