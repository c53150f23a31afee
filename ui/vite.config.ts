import { defineConfig } from "vite";

// The web view loads ui/dist from Tauri's own protocol: no dev server, no CDN, nothing fetched at
// run time. Fonts come from @fontsource and are copied into dist/assets by the CSS imports.
export default defineConfig({
  clearScreen: false,
  build: {
    target: "safari16",
    outDir: "dist",
    emptyOutDir: true,
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 2000,
    rollupOptions: { input: { main: "index.html", customer: "customer.html" } },
  },
});
