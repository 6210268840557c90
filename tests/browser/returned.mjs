// The committee returns submitted minutes with a reason; the secretary's phone shows it live,
// "edit and resubmit" lets her edit, and "resubmit" (enabled only after an edit) sets the
// status back to submitted.
import { run, phone, loginOnline, ready, waitSent, result, shots, base } from "./lib.mjs";

const period = process.argv[3] ?? "2026-12";
const reason = "Thiếu ý kiến phát biểu của đảng viên";

await run(async (browser) => {
  const a = await phone(browser), c = await phone(browser);
  await loginOnline(a.page);
  await a.page.click(`.months li[data-period='${period}'] button.start`);
  await a.page.waitForSelector("#meeting");
  await a.page.fill("textarea[data-field='resolution']", "Chi bộ thống nhất nghị quyết tháng.");
  await a.page.press("textarea[data-field='resolution']", "Tab");
  await a.page.click("#submit");
  await a.page.waitForSelector("#status[data-status='da_gui']");
  await waitSent(a.page);
  const docId = await a.page.$eval("#meeting", (e) => e.dataset.docId);

  // A committee member (own device) returns it with a reason, through the app's data layer.
  await c.page.goto(`${base}/app/`);
  await ready(c.page);
  await c.page.fill("input[name=username]", "uyvien.hoalu");
  await c.page.fill("input[name=password]", "demo-uyvien-hoalu");
  await c.page.click("#login button[type=submit]");
  await c.page.waitForSelector(".months li");
  await c.page.evaluate(async ({ period, reason }) => {
    const { findMeeting, edit } = window.chibo;
    let handle = null;
    for (let i = 0; i < 20 && !handle; i++) handle = await findMeeting("du-hoa-lu-cb01", period);
    if (!handle) throw new Error("the committee's device cannot open the minutes");
    edit(handle, { op: "setScalar", field: "status", value: "tra_lai" }, { op: "replaceText", field: "returnReason", value: reason });
  }, { period, reason });
  await waitSent(c.page);

  // The secretary sees the return live, with its reason.
  await a.page.waitForSelector("#returned #fix-returned", { timeout: 20000 });
  const shownReason = await a.page.$eval("#return-reason", (e) => e.textContent);
  await a.page.click("#fix-returned");
  const disabledBeforeEdit = await a.page.$eval("#resubmit", (e) => e.disabled);
  await a.page.screenshot({ path: `${shots}/returned-fixing.png`, fullPage: true });
  const form = a.page.locator("form[data-form='contributions']");
  await form.locator("textarea[name=summary]").fill("Đồng chí An đề nghị bổ sung chỉ tiêu");
  await form.locator("button[type=submit]").click();
  await a.page.waitForSelector("#resubmit:not([disabled])");
  await a.page.click("#resubmit");
  await a.page.waitForSelector("#status[data-status='da_gui']");
  const bannerGone = (await a.page.$("#returned")) === null;
  await waitSent(a.page);
  result({ docId, reason, shownReason, disabledBeforeEdit, bannerGone });
});
