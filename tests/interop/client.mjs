// A stock @automerge/automerge-repo client (Node) for the e2e interop tests.
//
// Commands (all print one JSON line on stdout per event):
//   create <wsUrl> <storeDir>   create a meeting document OFFLINE, edit it, then connect and sync;
//                               prints {"event":"created","url":..,"heads":[..]} (heads as hex
//                               change hashes, as the server stores them) and stays online
//                               until stdin closes, so the test decides when the server has it.
//   find <wsUrl> <storeDir> <automergeUrl> [expectKey]
//                               fresh repo: find the document, print {"event":"found","doc":..};
//                               with expectKey, wait until that key appears (edits still arriving).
//   edit <wsUrl> <storeDir> <automergeUrl> <key> <text>
//                               find, set doc.notes[key] = text, wait for stdin to close.
import * as A from "@automerge/automerge";
import { Repo } from "@automerge/automerge-repo";
import { WebSocketClientAdapter } from "@automerge/automerge-repo-network-websocket";
import { NodeFSStorageAdapter } from "@automerge/automerge-repo-storage-nodefs";

const [cmd, wsUrl, storeDir, docUrl, key, text] = process.argv.slice(2);
const say = (o) => process.stdout.write(JSON.stringify(o) + "\n");
const untilStdinCloses = () =>
  new Promise((resolve) => {
    process.stdin.on("end", resolve);
    process.stdin.on("close", resolve);
    process.stdin.resume();
  });
const timeout = setTimeout(() => {
  say({ event: "timeout" });
  process.exit(3);
}, 60_000);

async function main() {
  const storage = new NodeFSStorageAdapter(storeDir);
  if (cmd === "create") {
    // Offline first: no network adapter until the edits are made.
    const repo = new Repo({ network: [], storage });
    const handle = repo.create({
      schemaVersion: 1,
      cellId: "cell-interop",
      period: "2025-11",
      meetingType: "thuong_ky",
      location: "Hội trường nhà văn hóa",
      attendance: { m1: { status: "co_mat", reason: "", lateMin: 0 } },
      contributions: [],
      notes: {},
    });
    handle.change((d) => {
      d.contributions.push({ id: "c1", memberId: "m1", itemRef: "", summary: "Đồng ý với dự thảo" });
      d.attendance.m2 = { status: "vang_co_ly_do", reason: "Đi công tác", lateMin: 0 };
    });
    await repo.flush();
    repo.networkSubsystem.addNetworkAdapter(new WebSocketClientAdapter(wsUrl));
    say({ event: "created", url: handle.url, heads: A.getHeads(handle.doc()) });
    await untilStdinCloses();
    await repo.flush();
    await repo.shutdown();
  } else if (cmd === "find" || cmd === "edit") {
    const repo = new Repo({ network: [new WebSocketClientAdapter(wsUrl)], storage });
    const handle = await repo.find(docUrl);
    if (cmd === "find") {
      if (key) {
        while (!(handle.doc().notes && handle.doc().notes[key])) {
          await new Promise((r) => handle.once("change", r));
        }
      }
      say({ event: "found", doc: handle.doc(), heads: A.getHeads(handle.doc()) });
    } else {
      handle.change((d) => {
        d.notes[key] = text;
      });
      say({ event: "edited", heads: A.getHeads(handle.doc()) });
      await untilStdinCloses();
    }
    await repo.flush();
    await repo.shutdown();
  } else {
    throw new Error(`unknown command ${cmd}`);
  }
  clearTimeout(timeout);
  process.exit(0);
}

main().catch((e) => {
  say({ event: "error", message: String(e && e.stack ? e.stack : e) });
  process.exit(2);
});
