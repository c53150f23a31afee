// Start-up: load the bundled fonts and styles, ask Rust what kind of shop this is, mount the
// counter screen. A failed start shows its reason instead of an empty window.
import "@fontsource/nunito-sans/400.css";
import "@fontsource/nunito-sans/700.css";
import "@fontsource/nunito-sans/800.css";
import "@fontsource/noto-sans-khmer/400.css";
import "@fontsource/noto-sans-khmer/700.css";
import "./styles.css";

import { byId, h } from "./dom";
import { applyLanguage, lang, setLanguage } from "./i18n";
import { ipc, type IpcError } from "./ipc/client";
import { mountCounter } from "./views/counter";
import { mountOwner } from "./views/owner/index";

async function start(): Promise<void> {
  applyLanguage();
  byId("lang").addEventListener("click", () => setLanguage(lang() === "en" ? "km" : "en"));
  const app = byId("app");
  try {
    const info = await ipc.appInfo();
    byId("shop-name").textContent = info.merchantName;
    byId("demo-banner").hidden = !info.demo;
    document.body.classList.toggle("demo", info.demo);
    mountCounter(app, info);
    mountOwner(byId("views"), byId("topbar"));
    document.body.dataset.ready = "true";
  } catch (err) {
    const e = err as IpcError;
    app.replaceChildren(h("div", { class: "fatal", role: "alert" }, h("h1", {}, e.code), h("p", {}, e.message)));
  }
}

void start();
