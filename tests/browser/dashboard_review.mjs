// The committee dashboard end to end: log in as a committee member, see the heatmap of the
// seeded province, drill down to a cell's year and to a meeting, confirm a meeting from the
// queue with a committee score, and see the rating change in the heatmap; the same pages at
// 360 px and in English. Prints RESULT {docId, before, after, ...}.
import { base, shots, launch, result } from "./lib.mjs";

const user = process.argv[3] ?? "uyvien.hoalu";
const password = process.argv[4] ?? "demo-uyvien-hoalu";

async function newPage(browser, viewport) {
  const context = await browser.newContext({ viewport, locale: "vi-VN" });
  const page = await context.newPage();
  page.on("pageerror", (e) => { console.error("pageerror:", e.message); process.exitCode = 1; });
  page.on("console", (m) => { if (m.type() === "error") console.error("console:", m.text()); });
  return { context, page };
}

async function login(page) {
  await page.goto(`${base}/dashboard/`);
  await page.waitForSelector("form.login");
  await page.fill("#username", user);
  await page.fill("#password", password);
  await page.click("form.login button[type=submit]");
  await page.waitForSelector("#heatmap tbody tr");
}

const heatState = (page, docId) =>
  page.$eval(`#heatmap td a[href="#/meeting/${encodeURIComponent(docId)}"]`, (a) => {
    const td = a.closest("td");
    return { state: td.dataset.state, level: td.dataset.level, label: a.getAttribute("aria-label") };
  });

const browser = await launch();
try {
  const { context, page } = await newPage(browser, { width: 1280, height: 900 });
  await login(page);
  const rows = await page.$$eval("#heatmap tbody tr", (trs) => trs.length);
  const states = await page.$$eval("#heatmap td.heat", (tds) => [...new Set(tds.map((td) => td.dataset.state))].sort());
  const charts = await page.$$eval("svg.chart", (svgs) => svgs.length);
  const exportLinks = await page.$$eval(".exports a", (as) => as.map((a) => a.getAttribute("href")));
  const units = await page.$$eval("#unit option", (os) => os.map((o) => ({ code: o.value, name: o.textContent.trim() })));
  await page.screenshot({ path: `${shots}/dashboard-heatmap-desktop.png`, fullPage: true });

  // Drill down: a cell's year, then one of its meetings.
  const cellName = await page.$eval("#heatmap tbody tr th a", (a) => a.textContent);
  const monthStates = (sel) => page.$$eval(sel, (tds) => tds.map((td) => `${td.dataset.state}:${td.dataset.level}`));
  const heatRow = await monthStates("#heatmap tbody tr:first-child td.heat");
  await page.click("#heatmap tbody tr th a");
  await page.waitForSelector("#meetings tbody tr");
  const cellMonths = await monthStates("#months td.heat");
  const rollupNotes = await page.$$eval("#rollup-notes li", (lis) => lis.map((li) => ({ kind: li.dataset.kind, text: li.textContent })));
  await page.waitForSelector("svg.line-chart path.series.self");
  await page.screenshot({ path: `${shots}/dashboard-cell-year.png`, fullPage: true });
  await page.click("#meetings tbody tr th a");
  await page.waitForSelector("#score tbody tr");
  const scoreRows = await page.$$eval("#score tbody tr", (trs) => trs.length);
  await page.screenshot({ path: `${shots}/dashboard-meeting.png`, fullPage: true });

  // The queue: open the first submitted meeting and confirm it with a committee score.
  await page.click("#nav a[href='#/queue']");
  await page.waitForSelector("#queue tbody tr");
  const queued = await page.$$eval("#queue tbody tr", (trs) => trs.length);
  const docId = await page.$eval("#queue tbody tr", (tr) => tr.dataset.doc);
  await page.screenshot({ path: `${shots}/dashboard-queue.png`, fullPage: true });
  await page.goto(`${base}/dashboard/#/`);
  await page.waitForSelector("#heatmap tbody tr");
  const before = await heatState(page, docId);

  await page.goto(`${base}/dashboard/#/queue`);
  await page.waitForSelector("#queue tbody tr");
  await page.click(`#queue tr[data-doc="${docId}"] a`);
  await page.waitForSelector(".review form");
  const inputs = await page.$$(".review fieldset input[type=number]");
  const awarded = {};
  for (const input of inputs) {
    const max = await input.getAttribute("max");
    await input.fill(max);
    awarded[await input.getAttribute("name")] = Number(max);
  }
  await page.click(".review button[data-action=confirm]");
  await page.waitForFunction(() => document.querySelector(".meeting")?.dataset.status === "da_xac_nhan", null, { timeout: 30000 });
  let official = "–";
  for (let i = 0; i < 50 && official === "–"; i++) {
    await page.waitForTimeout(200);
    await page.reload();
    await page.waitForSelector("#official-level");
    official = await page.$eval("#official-level", (el) => el.textContent);
  }
  await page.screenshot({ path: `${shots}/dashboard-confirmed.png`, fullPage: true });

  await page.goto(`${base}/dashboard/#/`);
  await page.waitForSelector("#heatmap tbody tr");
  const after = await heatState(page, docId);
  await page.screenshot({ path: `${shots}/dashboard-heatmap-after.png`, fullPage: true });

  // English.
  await page.selectOption("#lang", "en");
  await page.waitForFunction(() => document.querySelector("h1")?.textContent === "Meeting quality by month");
  const englishTitle = await page.$eval("h1", (el) => el.textContent);
  await page.selectOption("#lang", "vi");
  await context.close();

  // A phone: the heatmap scrolls inside its box, the page itself does not.
  const phone = await newPage(browser, { width: 360, height: 780 });
  await login(phone.page);
  const overflow = await phone.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  await phone.page.screenshot({ path: `${shots}/dashboard-heatmap-360.png`, fullPage: true });
  await phone.context.close();

  result({ rows, units, states, charts, exportLinks, cellName, heatRow, cellMonths, rollupNotes, scoreRows, queued, docId, awarded, before, after, official, englishTitle, overflow });
} catch (e) {
  console.error(e);
  process.exitCode = 1;
} finally {
  await browser.close();
}
