// Slim automerge-repo with an explicit initializeWasm: no wasm plugin is needed (browser.md §1).
import { defineConfig } from "vite";

export default defineConfig({
  base: "/app/",
  build: { chunkSizeWarningLimit: 4096, assetsInlineLimit: 0, sourcemap: false },
});
