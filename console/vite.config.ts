// The console is served from wherever the web server puts it (/ra/ in
// conf-examples): relative asset URLs, no server-side routing (hash routes).
import { defineConfig } from "vite";

export default defineConfig({
  base: "./",
  build: { target: "es2022", sourcemap: false, assetsInlineLimit: 0 },
});
