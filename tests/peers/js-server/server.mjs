// Minimal @automerge/automerge-repo 2.5.x sync server, a benchmark peer of the project's server.
//
// Usage: node server.mjs <port> <dataDir>
// Shaped like automerge-repo-sync-server: NodeFS storage, a `ws` server behind the
// WebSocketServerAdapter, and a share policy that never announces (a peer only gets the
// documents it asks for by id). Prints one line `listening <port>` once it accepts sockets.
import { WebSocketServer } from "ws";
import { Repo } from "@automerge/automerge-repo";
import { WebSocketServerAdapter } from "@automerge/automerge-repo-network-websocket";
import { NodeFSStorageAdapter } from "@automerge/automerge-repo-storage-nodefs";

const [portArg, dataDir] = process.argv.slice(2);
if (!portArg || !dataDir) {
  process.stderr.write("usage: node server.mjs <port> <dataDir>\n");
  process.exit(2);
}

const wss = new WebSocketServer({ host: "127.0.0.1", port: Number(portArg) });
const repo = new Repo({
  network: [new WebSocketServerAdapter(wss)],
  storage: new NodeFSStorageAdapter(dataDir),
  peerId: "js-sync-server",
  sharePolicy: async () => false,
});

wss.on("listening", () => process.stdout.write(`listening ${wss.address().port}\n`));

const stop = async () => {
  await repo.flush();
  await repo.shutdown();
  wss.close();
  process.exit(0);
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
