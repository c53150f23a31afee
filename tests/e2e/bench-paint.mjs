// What painting the sale screen costs, option by option, for BENCHMARKS.md (a benchmark, not a
// test). Drives the release build by default (E2E_APP overrides it) in demo mode. One real
// charge gives the card with its QR; then, in the page and with no IPC, the screen Enter
// shows is swapped in from the typing screen (entry panel → sale panel, preview card → the
// QR card, as `renderCardSlot` does) and timed to the second animation frame, first as the app
// draws it, then with one thing changed at a time: a CSS rule injected, or the QR drawn
// another way (canvas, <img> of the SVG). It also times the parts alone (the panels, the card,
// the QR) and the forced style + layout pass of the full swap.
//
//   xvfb-run -a -s "-screen 0 1920x1080x24 -nolisten tcp" node tests/e2e/bench-paint.mjs \
//     [--runs 2] [--swaps 30] [--variants N]
// Extra environment for the app (e.g. WEBKIT_DISABLE_COMPOSITING_MODE=1) is passed through.
import { loadavg } from "node:os";
import { join, resolve, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
process.env.E2E_APP ??= join(ROOT, "target/release/khqr-pos-app");
const { startApp, keys, waitAttr, waitShown, summary, arg } = await import("./harness.mjs");

const RUNS = arg("runs", 2);
const SWAPS = arg("swaps", 30);

/** CSS injected for one variant; `qr` replaces the QR's SVG with another drawing. */
const VARIANTS = [
  { name: "as the app draws it" },
  { name: "no card shadow", css: ".khqr-card { box-shadow: none !important; }" },
  { name: "no QR opacity/filter transition", css: ".qr { transition: none !important; }" },
  { name: "preview card opaque (no opacity 0.9)", css: '.card-slot[data-state="preview"] .khqr-card { opacity: 1 !important; }' },
  { name: "contain: strict on the card", css: ".khqr-card { contain: strict; }" },
  { name: "will-change: transform on the card", css: ".khqr-card { will-change: transform; }" },
  { name: "card in a system font (no web font)", css: ".khqr-card, .khqr-card * { font-family: sans-serif !important; }" },
  { name: "QR as a canvas", qr: "canvas" },
  { name: "QR as an <img> of the SVG", qr: "img" },
  { name: "no QR at all (lower bound)", qr: "none" },
  {
    name: "no shadow, no transition, opaque preview",
    css: '.khqr-card { box-shadow: none !important; } .qr { transition: none !important; } .card-slot[data-state="preview"] .khqr-card { opacity: 1 !important; }',
  },
];
// `--variants 1` times only the app's own drawing (and the parts), e.g. to compare settings.
const ONLY = arg("variants", VARIANTS.length);

/** Prepares the page: keeps the preview card and the QR card, and defines the swaps. */
function setUp(browser) {
  return browser.execute(() => {
    const slot = document.getElementById("card-slot");
    const qrCard = document.getElementById("card").cloneNode(true);
    window.__bench = {
      slot,
      entry: document.getElementById("entry-panel"),
      sale: document.getElementById("sale-panel"),
      qrCard,
      qrSvg: qrCard.querySelector("#card-qr > svg"),
      preview: null,
      style: document.head.appendChild(document.createElement("style")),
    };
  });
}

async function keepPreview(browser) {
  await browser.execute(() => {
    window.__bench.preview = document.getElementById("card").cloneNode(true);
  });
}

/** Applies a variant: its CSS, and the QR drawing in the kept QR card. */
function applyVariant(browser, variant) {
  return browser.execute((css, qr) => {
    const b = window.__bench;
    b.style.textContent = css ?? "";
    const box = b.qrCard.querySelector("#card-qr");
    const svg = b.qrSvg;
    let drawing = svg;
    if (qr === "canvas" || qr === "img") {
      // The size the QR is shown at on this screen, in device pixels.
      const side = Math.round(document.getElementById("card-qr").getBoundingClientRect().width * devicePixelRatio) || 400;
      const modules = Number(svg.getAttribute("viewBox").split(" ")[2]);
      if (qr === "canvas") {
        drawing = document.createElement("canvas");
        drawing.width = side;
        drawing.height = side;
        drawing.style.cssText = "width:100%;height:100%;display:block";
        drawing.__draw = () => {
          const ctx = drawing.getContext("2d");
          ctx.fillStyle = "#fff";
          ctx.fillRect(0, 0, side, side);
          ctx.setTransform(side / modules, 0, 0, side / modules, 0, 0);
          ctx.fillStyle = "#000";
          ctx.fill(new Path2D(svg.querySelector("path").getAttribute("d")));
        };
      } else {
        drawing = document.createElement("img");
        drawing.style.cssText = "width:100%;height:100%;display:block";
        drawing.src = `data:image/svg+xml;base64,${btoa(new XMLSerializer().serializeToString(svg))}`;
      }
    } else if (qr === "none") {
      drawing = document.createElement("div");
      drawing.style.cssText = "width:100%;height:100%";
    }
    box.replaceChild(drawing, box.firstElementChild);
  }, variant.css ?? null, variant.qr ?? null);
}

/**
 * One timed swap, in the page: `what` is "enter" (panels and card, as on Enter), "panels",
 * "card" or "qr" (the QR alone, out and back in). Resolves with the ms to the second frame and
 * the forced style + layout pass. Puts the typing screen back afterwards, untimed.
 */
function swap(browser, what) {
  return browser.executeAsync((what, done) => {
    const b = window.__bench;
    const frames = (n, then) => (n === 0 ? then() : requestAnimationFrame(() => frames(n - 1, then)));
    const drawQr = (card) => card.querySelector("canvas")?.__draw?.();
    const toSale = () => {
      if (what === "enter" || what === "panels") {
        b.entry.hidden = true;
        b.sale.hidden = false;
      }
      if (what === "enter" || what === "card") {
        b.slot.replaceChildren(b.qrCard);
        drawQr(b.qrCard);
        b.slot.dataset.state = "pending";
      }
      if (what === "qr") {
        const box = b.slot.querySelector("#card-qr");
        box.replaceChild(b.qrCard.querySelector("#card-qr").firstElementChild.cloneNode(true), box.firstElementChild);
        drawQr(box);
      }
    };
    const back = () => {
      b.entry.hidden = false;
      b.sale.hidden = true;
      b.slot.replaceChildren(what === "qr" ? b.qrCard : b.preview);
      if (what === "qr") drawQr(b.qrCard);
      b.slot.dataset.state = what === "qr" ? "pending" : "preview";
    };
    back();
    frames(3, () => {
      const started = performance.now();
      toSale();
      void document.body.offsetHeight;
      const layoutMs = performance.now() - started;
      frames(2, () => {
        const ms = performance.now() - started;
        frames(2, () => done({ ms, layoutMs }));
      });
    });
  }, what);
}

const results = {};
const record = (key, sample) => {
  const r = (results[key] ??= { ms: [], layoutMs: [] });
  r.ms.push(sample.ms);
  r.layoutMs.push(sample.layoutMs);
};
const load = { start: loadavg() };
for (let run = 0; run < RUNS; run++) {
  const app = await startApp({}, undefined, { simUrl: false });
  const { browser } = app;
  try {
    // A real sale first: fonts, the QR card's markup and the sale panel's text as the app made them.
    await keys(browser, "1", "2", "0", "0");
    await keys(browser, "Enter");
    await waitAttr(browser, "#card", "data-enter-to-qr-ms", (v) => v !== null);
    await setUp(browser);
    await keys(browser, "Escape");
    await waitShown(browser, "#entry-panel");
    await keys(browser, "1", "2", "0", "0");
    await keepPreview(browser);
    // Round-robin, so a change in the machine's load falls on every option alike.
    for (let i = 0; i < SWAPS; i++) {
      for (const variant of VARIANTS.slice(0, ONLY)) {
        await applyVariant(browser, variant);
        record(`enter: ${variant.name}`, await swap(browser, "enter"));
      }
      await applyVariant(browser, VARIANTS[0]);
      for (const part of ["panels", "card", "qr"]) record(`${part} alone`, await swap(browser, part));
    }
  } finally {
    await app.close();
    app.cleanup();
  }
}
load.end = loadavg();
const table = Object.fromEntries(
  Object.entries(results).map(([k, r]) => {
    const ms = summary(r.ms.map((v) => Math.round(v * 10) / 10));
    const layout = summary(r.layoutMs.map((v) => Math.round(v * 10) / 10));
    return [k, { n: ms.n, p50: ms.p50, p95: ms.p95, max: ms.max, layoutP50: layout.p50 }];
  }),
);
console.log(JSON.stringify({ app: process.env.E2E_APP, env: { WEBKIT_DISABLE_COMPOSITING_MODE: process.env.WEBKIT_DISABLE_COMPOSITING_MODE ?? null }, swapsMs: table, loadavg: load }, null, 2));
