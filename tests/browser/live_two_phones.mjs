// Two phones online at once: (a) the month list of phone A shows the meeting phone B starts,
// without a reload; (b) phone A's half-typed input (a text being typed, a half-filled add form,
// the focus and caret) survives the redraws that phone B's changes cause, and is sent after.
import { run, phone, loginOnline, waitSent, result, shots } from "./lib.mjs";

const period = process.argv[3] ?? "2026-12";
const typed = "Chi bộ thống nhất";
const guest = "Võ Thị Giang";

await run(async (browser) => {
  const a = await phone(browser), b = await phone(browser);
  await loginOnline(a.page);
  await loginOnline(b.page);
  // A's list looked the month up before anyone made it: it offers "start".
  await a.page.waitForSelector(`.months li[data-period='${period}'] button.start`);
  await b.page.click(`.months li[data-period='${period}'] button.start`);
  await b.page.waitForSelector("#meeting");
  await waitSent(b.page);
  const t0 = Date.now();
  await a.page.waitForSelector(`.months li[data-period='${period}'] a.st-open`, { timeout: 20000 });
  const listLiveMs = Date.now() - t0;

  await a.page.click(`.months li[data-period='${period}'] a.st-open`);
  await a.page.waitForSelector("#meeting");
  // A half-fills the guest form, then types into the resolution (focus stays there).
  await a.page.fill("form[data-form='guests'] input[name=name]", guest);
  await a.page.fill("textarea[data-field='resolution']", typed);
  // B changes the meeting twice (a roster member, then the place): A's screen is redrawn.
  const bForm = b.page.locator("form[data-form='roster']");
  await bForm.locator("input[name=fullName]").fill("Phạm Văn Em");
  await bForm.locator("button[type=submit]").click();
  await b.page.fill("input[data-field='location']", "Nhà văn hóa tổ 5");
  await b.page.press("input[data-field='location']", "Tab");
  await a.page.waitForSelector("ul.attendance li:has-text('Phạm Văn Em')", { timeout: 20000 });
  await a.page.waitForFunction(() => document.querySelector("input[data-field='location']")?.value === "Nhà văn hóa tổ 5", null, { timeout: 20000 });
  const afterRedraw = await a.page.evaluate(() => ({
    resolution: document.querySelector("textarea[data-field='resolution']").value,
    focused: document.activeElement?.dataset?.field ?? null,
    guest: document.querySelector("form[data-form='guests'] input[name=name]").value,
  }));
  await a.page.screenshot({ path: `${shots}/live-a-after-redraw.png`, fullPage: true });
  // A keeps typing where the caret was, then leaves the field (commits) and adds the guest.
  await a.page.keyboard.type(" ba nhiệm vụ.");
  await a.page.keyboard.press("Tab");
  await a.page.locator("form[data-form='guests'] button[type=submit]").click();
  await waitSent(a.page);
  await b.page.waitForFunction((text) => document.querySelector("textarea[data-field='resolution']")?.value === text, `${typed} ba nhiệm vụ.`, { timeout: 20000 });
  await b.page.waitForSelector(`section li:has-text('${guest}')`, { timeout: 20000 });
  const docId = await a.page.$eval("#meeting", (e) => e.dataset.docId);
  result({ docId, listLiveMs, afterRedraw, typed, guest });
});
