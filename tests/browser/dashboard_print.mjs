// The printable minutes: the party's layout renders, and prints to PDF under print media.
// Prints RESULT {texts, pdfBytes, navHidden}.
import { base, shots, launch, result } from "./lib.mjs";
import { writeFileSync } from "node:fs";

const docId = process.argv[3];
const browser = await launch();
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "vi-VN" });
  const page = await context.newPage();
  page.on("pageerror", (e) => { console.error("pageerror:", e.message); process.exitCode = 1; });
  await page.goto(`${base}/dashboard/`);
  await page.waitForSelector("form.login");
  await page.fill("#username", "uyvien.hoalu");
  await page.fill("#password", "demo-uyvien-hoalu");
  await page.click("form.login button[type=submit]");
  await page.waitForSelector("#heatmap");
  await page.goto(`${base}/dashboard/#/minutes/${encodeURIComponent(docId)}`);
  await page.waitForSelector("#minutes .mm-signatures");
  const texts = await page.$eval("#minutes", (el) => ({
    left: el.querySelector(".mm-left").innerText,
    right: el.querySelector(".mm-right").innerText,
    title: el.querySelector(".mm-title").innerText,
    signatures: el.querySelector(".mm-signatures").innerText,
    sections: [...el.querySelectorAll(".mm-section h2")].map((h) => h.innerText),
  }));
  await page.emulateMedia({ media: "print" });
  const navHidden = await page.$eval("header.top", (el) => getComputedStyle(el).display === "none");
  await page.screenshot({ path: `${shots}/dashboard-minutes-print.png`, fullPage: true });
  const pdf = await page.pdf({ format: "A4", printBackground: true });
  writeFileSync(`${shots}/dashboard-minutes.pdf`, pdf);
  result({ texts, pdfBytes: pdf.length, pdfMagic: pdf.subarray(0, 5).toString(), navHidden });
} catch (e) {
  console.error(e);
  process.exitCode = 1;
} finally {
  await browser.close();
}
