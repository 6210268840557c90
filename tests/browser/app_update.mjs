// (4) An app update while the phone holds unsynced edits loses nothing. The phone talks to the
// server through a small proxy in this script that can (a) refuse the sync socket, so edits stay
// on the phone while the network is back, and (b) serve a new version of the service worker (a
// different cache name, exactly what a new build's gen-sw.mjs produces). The phone edits offline,
// comes back online with sync refused, installs and activates the new version (its activate
// deletes the old app cache), reloads into it, and only then may sync: the server must get every
// edit, checked by the Rust driver against the server's store.
import http from "node:http";
import net from "node:net";
import { run, phone, base, loginOnline, goOffline, waitSent, record, ready, result, shots } from "./lib.mjs";

const period = process.argv[3] ?? "2026-12";
const upstream = new URL(base);
const proxy = { version: 1, syncRefused: false };

/** The new build's service worker: the same shell under a new cache name. */
const nextVersion = (sw) => {
  const out = sw.replace(/chibo-app-([0-9a-f]+)/, "chibo-app-$1-next");
  if (out === sw) throw new Error("sw.js has no versioned cache name");
  return out;
};

const server = http.createServer((req, res) => {
  const isSw = new URL(req.url, base).pathname === "/app/sw.js";
  const headers = { ...req.headers };
  delete headers.connection;
  if (isSw) { delete headers["if-none-match"]; delete headers["if-modified-since"]; headers["accept-encoding"] = "identity"; }
  // A fresh upstream connection per request: Node's keep-alive agent may reuse a socket the
  // server has just closed as idle, and the request then fails (a 502 here) for no reason of
  // the app's.
  const up = http.request({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers, agent: false }, (r) => {
    if (!(isSw && proxy.version === 2 && r.statusCode === 200)) {
      res.writeHead(r.statusCode, r.headers);
      r.pipe(res);
      return;
    }
    const chunks = [];
    r.on("data", (c) => chunks.push(c));
    r.on("end", () => {
      const body = Buffer.from(nextVersion(Buffer.concat(chunks).toString("utf8")));
      const h = { ...r.headers, "content-length": String(body.length) };
      delete h["etag"]; delete h["last-modified"];
      res.writeHead(200, h);
      res.end(body);
    });
  });
  up.on("error", () => { res.writeHead(502); res.end(); });
  req.pipe(up);
});
server.on("upgrade", (req, socket, head) => {
  if (proxy.syncRefused) { socket.destroy(); return; }
  const up = net.connect(Number(upstream.port), upstream.hostname, () => {
    const lines = [`${req.method} ${req.url} HTTP/${req.httpVersion}`];
    for (let i = 0; i < req.rawHeaders.length; i += 2) lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
    up.write(`${lines.join("\r\n")}\r\n\r\n`);
    if (head?.length) up.write(head);
    up.pipe(socket);
    socket.pipe(up);
  });
  const close = () => { up.destroy(); socket.destroy(); };
  up.on("error", close); socket.on("error", close); up.on("close", close); socket.on("close", close);
});
await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
const origin = `http://127.0.0.1:${server.address().port}`;

/** The registration's workers and their states: what an update is waiting for. */
const workers = (page) => page.evaluate(async () => {
  const r = await navigator.serviceWorker.getRegistration();
  const state = (w) => w?.state ?? null;
  return { installing: state(r?.installing), waiting: state(r?.waiting), active: state(r?.active), controlled: navigator.serviceWorker.controller !== null };
});
const appCaches = (page) => page.evaluate(async () => (await caches.keys()).filter((k) => k.startsWith("chibo-app-")).sort());

try {
  await run(async (browser) => {
    const { context, page } = await phone(browser);
    await loginOnline(page, undefined, undefined, origin);
    await page.click(`.months li[data-period='${period}'] button.start`);
    await page.waitForSelector("#meeting");
    for (const name of ["Nguyễn Văn An", "Trần Thị Bình"]) {
      const form = page.locator("form.add").first();
      await form.locator("input[name=fullName]").fill(name);
      await form.locator("button[type=submit]").click();
      await page.waitForSelector(`ul.attendance li:has-text('${name}')`);
    }
    await waitSent(page);
    const cachesBefore = await appCaches(page);

    // Offline for real, then edits that exist only on this phone.
    await goOffline(context, page);
    await page.waitForSelector("#meeting");
    const members = await page.$$eval("ul.attendance li", (els) => els.map((e) => e.dataset.member));
    await page.click(`li[data-member='${members[0]}'] button[data-status='co_mat']`);
    await page.click(`li[data-member='${members[1]}'] button[data-status='vang_co_ly_do']`);
    await page.fill(`input[data-reason='${members[1]}']`, "Ốm, có đơn");
    await page.press(`input[data-reason='${members[1]}']`, "Tab");
    await page.fill("textarea[data-field='resolution']", "Nghị quyết ghi trước khi cập nhật ứng dụng.");
    await page.press("textarea[data-field='resolution']", "Tab");
    const criterion = await page.$eval("input[data-award]", (e) => e.dataset.award);
    await page.fill(`input[data-award='${criterion}']`, "1");
    await page.press(`input[data-award='${criterion}']`, "Tab");
    const task = page.locator("form.add").nth(5);
    await task.locator("input[name=task]").fill("Thu đảng phí quý IV");
    await task.locator("select[name=assignee]").selectOption(members[0]);
    await task.locator("input[name=due]").fill("2026-12-25");
    await task.locator("button[type=submit]").click();
    await page.waitForSelector("#sync[data-state='local']");
    const edited = await record(page);
    if (!edited.tasks?.length || edited.attendance?.[members[1]]?.status !== "vang_co_ly_do") throw new Error("the offline edits did not apply");

    // The network is back but the sync socket is refused; a new app version is published.
    proxy.syncRefused = true;
    proxy.version = 2;
    await context.setOffline(false);
    await page.evaluate(() => window.dispatchEvent(new Event("online")));
    // As a browser does on its next update check: an install that failed (a shell file could not
    // be fetched just after the network came back) leaves no installing or waiting worker, and is
    // tried again; a stuck install or activation is reported with the workers' states.
    const checkForUpdate = () => page.evaluate(async () => (await navigator.serviceWorker.getRegistration()).update().then(() => "", (e) => String(e)));
    const updateErrors = [];
    const firstError = await checkForUpdate();
    if (firstError) updateErrors.push(firstError);
    let cachesAfter = [];
    let retries = 0;
    for (let i = 1; ; i++) {
      cachesAfter = await appCaches(page);
      if (cachesAfter.length === 1 && cachesAfter[0].endsWith("-next")) break;
      const sw = await workers(page);
      if (i > 600) throw new Error(`the new version did not activate in 60 s: caches ${JSON.stringify(cachesAfter)}, workers ${JSON.stringify(sw)}, update retries ${retries}, update errors ${JSON.stringify(updateErrors)}`);
      if (i % 20 === 0 && !sw.installing && !sw.waiting && retries < 5) {
        retries += 1;
        console.error(`no new worker installing or waiting after ${i / 10} s (workers ${JSON.stringify(sw)}): checking for the update again`);
        const error = await checkForUpdate();
        if (error) updateErrors.push(error);
      }
      await page.waitForTimeout(100);
    }
    // Open the app again: the new version's worker serves it.
    await page.reload();
    await ready(page);
    await page.waitForSelector("#meeting");
    const afterUpdate = await record(page);
    const state = await page.evaluate(() => window.chibo.syncState());
    const docId = await page.$eval("#meeting", (e) => e.dataset.docId);
    if (state.kind === "sent" || !state.unsent.includes(docId)) throw new Error(`unsynced edits forgotten: ${JSON.stringify(state)}`);
    await page.screenshot({ path: `${shots}/4-updated-unsent.png`, fullPage: true });

    // Sync allowed again: everything goes out.
    proxy.syncRefused = false;
    await waitSent(page, 30000);
    const sent = await record(page);
    await page.screenshot({ path: `${shots}/4-updated-sent.png`, fullPage: true });
    result({ docId, edited, afterUpdate, sent, members, criterion, cachesBefore, cachesAfter, stateAfterUpdate: state });
  });
} finally {
  server.close();
  server.closeAllConnections?.();
}
