// Start-up: load the bundled fonts and styles, ask Rust what kind of shop this is and which
// language the owner chose, mount the counter screen. A failed start shows its reason instead
// of an empty window.
import "@fontsource/nunito-sans/400.css";
import "@fontsource/nunito-sans/700.css";
import "@fontsource/nunito-sans/800.css";
import "@fontsource/noto-sans-khmer/400.css";
import "@fontsource/noto-sans-khmer/700.css";
import "./styles.css";

import { byId, h } from "./dom";
import { applyLanguage, isLang, setLanguage, toggleLanguage } from "./i18n";
import { ipc, type IpcError } from "./ipc/client";
import { mountCounter } from "./views/counter";
import { mountCustomerKey } from "./customer/open";
import { mountPrinter } from "./views/printer";
import { owner } from "./views/owner/api";
import { mountOwner } from "./views/owner/index";
import { mountSetup } from "./views/setup/index";
import { mountTillBar } from "./views/shift";

async function start(): Promise<void> {
  applyLanguage();
  byId("lang").addEventListener("click", toggleLanguage);
  const app = byId("app");
  try {
    // The owner's status needs no PIN; without it the screen simply stays in English.
    const [info, status] = await Promise.all([ipc.appInfo(), owner.status().catch(() => null)]);
    if (status !== null && isLang(status.language)) setLanguage(status.language);
    byId("shop-name").textContent = info.merchantName;
    byId("demo-banner").hidden = !info.demo;
    document.body.classList.toggle("demo", info.demo);
    mountCounter(app, info);
    mountOwner(byId("views"), byId("topbar"));
    mountPrinter(byId("topbar"));
    mountCustomerKey();
    mountTillBar(byId("topbar"), byId("demo-banner"));
    await mountSetup(byId("topbar"), byId("demo-banner"));
    document.body.dataset.ready = "true";
  } catch (err) {
    const e = err as IpcError;
    app.replaceChildren(h("div", { class: "fatal", role: "alert" }, h("h1", {}, e.code), h("p", {}, e.message)));
  }
}

void start();
