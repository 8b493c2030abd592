import { defineConfig } from "vitest/config";
import vue from "@vitejs/plugin-vue";

// Django serves the built files through WhiteNoise under STATIC_URL, so every asset URL the
// build writes must start with /static/. The dev server proxies the API to a local Django.
export default defineConfig({
  base: "/static/",
  plugins: [vue()],
  build: { outDir: "dist", emptyOutDir: true, sourcemap: false, chunkSizeWarningLimit: 400 },
  server: {
    proxy: { "/api": "http://127.0.0.1:8000", "/accounts": "http://127.0.0.1:8000" },
  },
  test: { include: ["src/**/*.test.ts"], environment: "node" },
});
