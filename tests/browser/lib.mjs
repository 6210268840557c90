// Shared helpers of the browser tests: Debian's chromium through playwright-core, headless.
import { chromium } from "playwright-core";
import { mkdirSync } from "node:fs";

export const base = process.argv[2] ?? "http://127.0.0.1:8080";
export const shots = process.env.SCREENSHOT_DIR ?? "target/browser-screenshots";
mkdirSync(shots, { recursive: true });

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}

/** A phone-sized context (360 px wide). */
export async function phone(browser) {
  const context = await browser.newContext({ viewport: { width: 360, height: 780 }, locale: "vi-VN" });
  const page = await context.newPage();
  page.on("pageerror", (e) => console.error("pageerror:", e.message));
  page.on("console", (m) => { if (m.type() === "error") console.error("console:", m.text()); });
  return { context, page };
}

export const ready = (page) => page.waitForSelector("body[data-ready='1']", { timeout: 30000 });

/** Logs in through the form and waits until the service worker controls the page, every month
 * of the list has been looked up and the cell's roster has arrived (so they are on the device). */
export async function loginOnline(page, user = "bithu.hoalu1", password = "demo-bithu-hoalu1", origin = base) {
  await page.goto(`${origin}/app/`);
  await ready(page);
  await page.fill("input[name=username]", user);
  await page.fill("input[name=password]", password);
  await page.click("#login button[type=submit]");
  await page.waitForSelector(".months li");
  await waitMonths(page);
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 30000 });
  for (let i = 0; ; i++) {
    const cached = await page.evaluate(async () => (await (await caches.open("chibo-data-v1")).keys()).length);
    // The cell's roster document (the server publishes it shortly after it starts).
    const roster = await page.evaluate(() => {
      const { repo, core, session } = window.chibo;
      const handle = repo?.handles[core.rosterId(session.me.cell.code)];
      return Boolean(handle?.isReady() && Object.keys(handle.doc()?.members ?? {}).length);
    });
    if (cached >= 3 && roster) break;
    if (i > 600) throw new Error(`not on the phone after 60 s: ${cached < 3 ? "the coming months' genesis" : "the cell's roster"}`);
    await page.waitForTimeout(100);
  }
}

export const waitMonths = (page) =>
  page.waitForFunction(() => document.querySelectorAll(".months .st").length === 0 && document.querySelectorAll(".months li").length > 0, null, { timeout: 60000 });

/** Goes offline for real: the open WebSocket is only paused by setOffline, so reload too. */
export async function goOffline(context, page) {
  await context.setOffline(true);
  await page.reload();
  await ready(page);
}

export async function goOnline(context, page) {
  await context.setOffline(false);
  await page.evaluate(() => window.dispatchEvent(new Event("online")));
}

export const waitSent = (page, timeout = 30000) =>
  page.waitForSelector("#sync[data-state='sent']", { timeout });

export const record = (page) => page.evaluate(() => {
  const id = document.querySelector("#meeting").dataset.docId;
  return window.chibo.toRecord(window.chibo.repo.handles[id].doc());
});

/** Prints the result line the Rust driver reads. */
export function result(value) { console.log(`RESULT ${JSON.stringify(value)}`); }

export async function run(main) {
  const browser = await launch();
  try { await main(browser); } catch (e) { console.error(e); process.exitCode = 1; } finally { await browser.close(); }
}
