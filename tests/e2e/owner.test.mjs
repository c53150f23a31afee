// End-to-end tests of the owner's side of the real desktop app (WebDriver under Xvfb): the
// PIN gate, a day with paid, cancelled and paid-late sales and its totals, re-check, the
// end-of-day report, CSV export read back from disk, settings validation and saving, and the
// Bakong token that never appears in the page, with renewal, backups, diagnostics and the
// owner PIN change on the Bakong tab, and the printer settings (a bad port refused under its
// field, the test page printed to a fake printer on loopback). Screenshots go to
// E2E_SCREENSHOT_DIR.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { keys, shot, sim, startApp, text, type, waitAttr, waitShown } from "./harness.mjs";

const PIN = "2580";
const exportDir = mkdtempSync(join(tmpdir(), "khqr-e2e-export-"));
let app;

before(async () => {
  app = await startApp({ KHQR_POS_EXPORT_DIR: exportDir });
});

after(async () => {
  await app?.close();
  app?.cleanup();
  rmSync(exportDir, { recursive: true, force: true });
});

/** A table's rows as `cell | cell | …` lines (getText runs table cells together). */
async function rows(browser, selector) {
  return browser.execute(
    (sel) => [...document.querySelectorAll(`${sel} tbody tr`)].map((tr) => [...tr.cells].map((c) => c.textContent.trim()).join(" | ")).join("\n"),
    selector,
  );
}

/** Opens the owner area with F4 and gives the PIN. */
async function openOwner(browser) {
  await keys(browser, "F4");
  await waitShown(browser, "#owner-gate");
  await type(browser, "#owner-pin", PIN);
  await (await browser.$("#owner-pin-submit")).click();
  await waitShown(browser, "#owner-body");
}

/** Today in the shop's zone (the demo shop is in Phnom Penh), `YYYY-MM-DD`, from numeric parts. */
function shopToday() {
  const parts = new Intl.DateTimeFormat("en-US", { timeZone: "Asia/Phnom_Penh", year: "numeric", month: "2-digit", day: "2-digit" }).formatToParts(new Date());
  const part = (type) => parts.find((p) => p.type === type).value;
  return `${part("year")}-${part("month")}-${part("day")}`;
}

async function closeOwner(browser) {
  await keys(browser, "Escape");
  await browser.waitUntil(async () => !(await (await browser.$("#owner")).isDisplayed()), { timeout: 5000 });
}

async function tab(browser, name) {
  await (await browser.$(`.owner-tab[data-tab="${name}"]`)).click();
}

/** Rings up an amount on the counter; returns the QR string. */
async function charge(browser, digits) {
  await keys(browser, "Escape", ...digits.split(""), "Enter");
  return waitAttr(browser, "#card-qr", "data-qr", (v) => typeof v === "string" && v.length > 0);
}

test("the owner area asks for a new PIN on first use and for the PIN afterwards, refusing a wrong one", async () => {
  const { browser } = app;
  await keys(browser, "F4");
  await waitShown(browser, "#owner-gate");
  assert.equal(await (await browser.$("#owner-gate")).getAttribute("data-first"), "yes");
  await shot(browser, "owner-1-set-pin");
  await type(browser, "#owner-pin", PIN);
  await type(browser, "#owner-pin-confirm", "2581");
  await (await browser.$("#owner-pin-submit")).click();
  await waitShown(browser, "#owner-gate .owner-error");
  await type(browser, "#owner-pin", PIN);
  await type(browser, "#owner-pin-confirm", PIN);
  await (await browser.$("#owner-pin-submit")).click();
  await waitShown(browser, "#owner-body");
  await closeOwner(browser);

  await keys(browser, "F4");
  await waitShown(browser, "#owner-gate");
  assert.equal(await (await browser.$("#owner-gate")).getAttribute("data-first"), "no");
  await type(browser, "#owner-pin", "0000");
  await (await browser.$("#owner-pin-submit")).click();
  await waitShown(browser, '#owner-gate .owner-error[data-code="pin_wrong"]');
  assert.match(await text(browser, "#owner-gate .owner-error"), /Wrong PIN.*4/);
  await shot(browser, "owner-2-wrong-pin");
  await type(browser, "#owner-pin", PIN);
  await (await browser.$("#owner-pin-submit")).click();
  await waitShown(browser, "#owner-body");
  await closeOwner(browser);
  // Closing locks it: the gate comes back.
  await keys(browser, "F4");
  await waitShown(browser, "#owner-gate");
  await keys(browser, "Escape");
});

test("a day of paid, cancelled and late-paid sales shows the right totals, with the late one needing attention", async () => {
  const { browser, simUrl } = app;
  await charge(browser, "5000");
  await (await browser.$("#simulate")).click();
  await waitShown(browser, "#paid", 30_000);
  await keys(browser, "Escape");
  await keys(browser, "F2");
  await charge(browser, "2.5");
  await (await browser.$("#simulate")).click();
  await waitShown(browser, "#paid", 30_000);
  await keys(browser, "Escape");
  await keys(browser, "F2");
  const qr = await charge(browser, "700");
  const bill700 = (await text(browser, "#bill")).replace(/^Bill /, "");
  await keys(browser, "Escape"); // cancel
  await waitShown(browser, "#entry-panel");
  // The customer pays the cancelled QR anyway: only a re-check can find it.
  await sim(simUrl, "POST", "pay", { md5: createHash("md5").update(qr).digest("hex") });

  await openOwner(browser);
  await waitShown(browser, "#sales-totals");
  const totals = await rows(browser, "#sales-totals");
  assert.match(totals, /^KHR \| Paid \| 1 \| 5,000$/m);
  assert.match(totals, /^USD \| Paid \| 1 \| 2\.50$/m);
  assert.match(totals, /^KHR \| Cancelled \| 1 \| 700$/m);

  await (await browser.$("#sales-recheck")).click();
  await waitShown(browser, "#recheck-confirm");
  assert.ok(Number(await text(browser, "#recheck-cost")) >= 1);
  await shot(browser, "owner-3-recheck");
  // The date fields hold the shop's day (WebKitGTK left them empty when built from a locale).
  assert.equal(await (await browser.$("#sales-from")).getValue(), shopToday());
  assert.equal(await (await browser.$("#sales-to")).getValue(), shopToday());
  await (await browser.$("#recheck-go")).click();
  await waitShown(browser, "#recheck-done", 30_000);
  await browser.waitUntil(async () => /Paid late/.test(await text(browser, "#sales-results")), { timeout: 20_000 });
  await waitShown(browser, "#sales-attention");
  assert.match(await rows(browser, "#sales-attention"), /700 \| KHR \| Paid late/);
  assert.match(await rows(browser, "#sales-totals"), /^KHR \| Paid late \| 1 \| 700$/m);

  // The late sale's details show its history.
  await (await browser.$("#sales-attention button.link")).click();
  await waitShown(browser, "#sale-history");
  const history = await text(browser, "#sale-history");
  assert.match(history, /created pending/);
  assert.match(history, /cancelled → paid_late/);
  await shot(browser, "owner-4-transactions");

  // Search by amount narrows the list to that sale.
  await type(browser, "#sales-search", "5000");
  await (await browser.$("#sales-show")).click();
  await browser.waitUntil(async () => (await browser.$$("#sales-table tbody tr")).length === 1, { timeout: 5000 });
  await type(browser, "#sales-search", "");
  await (await browser.$("#sales-show")).click();

  // The counter was told too: the cashier must not ask the customer to pay again.
  await closeOwner(browser);
  await waitShown(browser, "#notices .notice");
  const notice = await text(browser, "#notices .notice");
  assert.match(notice, /Paid after its QR was closed/);
  assert.match(notice, new RegExp(`700 KHR · Bill ${bill700}`));
  await shot(browser, "counter-late-notice");
  await (await browser.$("#lang")).click();
  assert.match(await text(browser, "#notices .notice"), /បានបង់ក្រោយ QR ត្រូវបានបិទ/);
  await shot(browser, "counter-late-notice-khmer");
  await (await browser.$("#lang")).click();
  await keys(browser, "5");
  assert.ok(await (await browser.$("#notices .notice")).isDisplayed(), "keys do not dismiss it");
  await keys(browser, "Escape");
  await (await browser.$("#notices .notice-dismiss")).click();
  await browser.waitUntil(async () => (await browser.$$("#notices .notice")).length === 0, { timeout: 5000 });
  await openOwner(browser);
});

test("the CSV export is written by Rust with a byte order mark and one row per sale", async () => {
  const { browser } = app;
  await (await browser.$("#sales-export")).click();
  const path = await waitAttr(browser, "#export-done", "data-path", (v) => typeof v === "string" && v.length > 0);
  assert.ok(path.startsWith(exportDir), path);
  const csv = readFileSync(path, "utf8");
  assert.ok(csv.startsWith("\uFEFF"), "no byte order mark");
  const lines = csv.trim().split(/\r?\n/);
  assert.equal(lines.length, 4, csv);
  assert.match(csv, /paid_late/);
  assert.match(csv, /2\.50/);
});

test("the end-of-day report counts receipts from the first to the last with no gaps", async () => {
  const { browser } = app;
  await tab(browser, "report");
  await waitShown(browser, "#eod");
  assert.equal(await (await browser.$("#report-date")).getValue(), shopToday());
  assert.match(await text(browser, "#eod-sales"), /3$/);
  assert.match(await text(browser, "#eod-first"), /1$/);
  assert.match(await text(browser, "#eod-last"), /3$/);
  assert.match(await text(browser, "#eod-gaps"), /none$/);
  assert.match(await text(browser, '#eod-takings [data-currency="KHR"]'), /5,000/);
  assert.match(await text(browser, '#eod-takings [data-currency="USD"]'), /2\.50/);
  await shot(browser, "owner-5-report");
  await (await browser.$("#owner-lang")).click();
  await browser.waitUntil(async () => /របាយការណ៍ចុងថ្ងៃ/.test(await text(browser, "#eod")), { timeout: 5000 });
  await shot(browser, "owner-6-report-khmer");
  await (await browser.$("#owner-lang")).click();
  await browser.waitUntil(async () => /End-of-day report/.test(await text(browser, "#eod")), { timeout: 5000 });
});

test("settings are checked field by field, and a valid profile is applied to the next sale", async () => {
  const { browser } = app;
  await tab(browser, "settings");
  await waitShown(browser, "#settings-form");
  await type(browser, "#set-accountId", "nobank");
  await type(browser, "#set-merchantName", "A name far longer than twenty-five");
  await type(browser, "#set-qrLifetimeMinutes", "11");
  await (await browser.$("#settings-save")).click();
  await browser.waitUntil(async () => (await text(browser, "#err-accountId")) !== "", { timeout: 5000 });
  assert.match(await text(browser, "#err-accountId"), /name@bank/);
  assert.match(await text(browser, "#err-merchantName"), /25/);
  assert.match(await text(browser, "#err-qrLifetimeMinutes"), /1 and 10/);
  assert.equal(await text(browser, "#err-city"), "");
  await shot(browser, "owner-7-settings-errors");
  await type(browser, "#set-accountId", "sokha_coffee@aclb");
  await type(browser, "#set-merchantName", "Sokha Coffee");
  await type(browser, "#set-qrLifetimeMinutes", "3");
  await (await browser.$("#settings-save")).click();
  await browser.waitUntil(async () => (await text(browser, "#settings-status")) !== "", { timeout: 20_000 });
  assert.ok(await (await browser.$("#settings-saved")).isExisting(), await text(browser, "#settings-status"));
  assert.equal(await text(browser, "#shop-name"), "Sokha Coffee");
  await closeOwner(browser);
  // The next QR pays the new merchant (KHQR tag 59 carries the name).
  const qr = await charge(browser, "1000");
  assert.match(qr, /59\d\dSokha Coffee/);
  assert.match(qr, /sokha_coffee@aclb/);
  await keys(browser, "Escape");
  await waitShown(browser, "#entry-panel");
});

test("a pasted Bakong token is saved but never shown again, in the page or in any answer", async () => {
  const { browser } = app;
  const payload = Buffer.from(JSON.stringify({ exp: 4102444800 })).toString("base64url");
  const token = `eyJhbGciOiJIUzI1NiJ9.${payload}.U0VDUkVULXNpZ25hdHVyZS1lMmU`;
  await openOwner(browser);
  await tab(browser, "bakong");
  await waitShown(browser, "#bakong-health");
  await type(browser, "#token-input", token);
  await (await browser.$("#token-save")).click();
  await browser.waitUntil(async () => /2100-01-01/.test(await text(browser, "#token-state")), { timeout: 10_000 });
  assert.equal(await (await browser.$("#token-input")).getValue(), "");
  await shot(browser, "owner-8-bakong");
  for (const t of ["sales", "report", "settings", "bakong"]) {
    await tab(browser, t);
    await browser.pause(500);
    const html = await browser.getPageSource();
    assert.ok(!html.includes(token) && !html.includes("U0VDUkVU"), `token visible on ${t}`);
  }
  // The same holds for what the page could ask Rust for.
  const answers = await browser.executeAsync((done) => {
    const { invoke } = window.__TAURI_INTERNALS__;
    Promise.all(["owner_status", "owner_health", "owner_settings", "app_info"].map((c) => invoke(c, {})))
      .then((all) => done(JSON.stringify(all)))
      .catch((e) => done(JSON.stringify(e)));
  });
  assert.ok(answers.includes("2100-01-01"), answers);
  assert.ok(!answers.includes(token) && !answers.includes("U0VDUkVU"), answers);

  // Where the token is kept (no keyring service answers on a test machine), renewal in demo
  // mode refused in words, the backup panel, the diagnostics zip and the PIN change.
  await tab(browser, "bakong");
  await browser.waitUntil(async () => /private file/.test(await text(browser, "#token-store")), { timeout: 10_000 });
  await waitShown(browser, "#backup-status");
  await (await browser.$("#token-renew")).click();
  await waitAttr(browser, "#token-notice [role=alert]", "data-code", (v) => v === "config_invalid");
  assert.match(await text(browser, "#token-notice"), /Demo mode/);
  await (await browser.$("#diagnostics-export")).click();
  await waitShown(browser, "#diagnostics-path");
  const zip = await text(browser, "#diagnostics-path");
  assert.ok(zip.startsWith(exportDir) && zip.endsWith(".zip"), zip);
  assert.equal(readFileSync(zip).subarray(0, 2).toString(), "PK");
  const changePin = async (current, next, again = next) => {
    await type(browser, "#pin-current", current);
    await type(browser, "#pin-new", next);
    await type(browser, "#pin-repeat", again);
    await (await browser.$("#pin-change")).click();
  };
  await changePin(PIN, "1357", "1358");
  await waitAttr(browser, "#pin-notice [role=alert]", "data-code", (v) => v === "pin_mismatch");
  await changePin("0000", "1357");
  await waitAttr(browser, "#pin-notice [role=alert]", "data-code", (v) => v === "pin_wrong");
  await changePin(PIN, "1357");
  await browser.waitUntil(async () => /PIN changed/.test(await text(browser, "#pin-notice")), { timeout: 10_000 });
  assert.equal(await (await browser.$("#pin-new")).getValue(), "");
  await shot(browser, "owner-9-upkeep");
  await changePin("1357", PIN);
  await browser.waitUntil(async () => /PIN changed/.test(await text(browser, "#pin-notice")), { timeout: 10_000 });
  await closeOwner(browser);
});

/**
 * A receipt printer on loopback: answers "ready" (0x12) to each status query (DLE EOT n) sent
 * before a job starts, and keeps every byte it is sent.
 */
function fakePrinter() {
  const received = [];
  const server = createServer((socket) => {
    let answered = 0;
    let head = Buffer.alloc(0);
    socket.on("data", (data) => {
      received.push(data);
      head = Buffer.concat([head, data]);
      while (head.length >= 3 * (answered + 1) && head[3 * answered] === 0x10 && head[3 * answered + 1] === 0x04) {
        socket.write(Buffer.from([0x12]));
        answered += 1;
      }
    });
    socket.on("error", () => undefined);
  });
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => resolve({ port: server.address().port, bytes: () => Buffer.concat(received), close: () => server.close() }));
  });
}

test("printer settings name a bad port under its field and write nothing; the test page reaches the printer", async () => {
  const { browser, dataDir } = app;
  const printer = await fakePrinter();
  try {
    await openOwner(browser);
    await tab(browser, "printer");
    await waitShown(browser, "#printer-form");
    await (await browser.$("#prn-printer-kind")).selectByAttribute("value", "network");
    await type(browser, "#prn-printer-address", "127.0.0.1:99999");
    await (await browser.$("#printer-save")).click();
    const problem = '[data-field="printer.address"] .field-error';
    await browser.waitUntil(async () => (await text(browser, problem)) !== "", { timeout: 10_000 });
    assert.match(await text(browser, problem), /port "99999"/);
    assert.equal(await (await browser.$("#prn-printer-address")).getAttribute("aria-invalid"), "true");
    assert.ok(!existsSync(join(dataDir, "config.toml")) || !readFileSync(join(dataDir, "config.toml"), "utf8").includes("[printer]"));
    await type(browser, "#prn-printer-address", `127.0.0.1:${printer.port}`);
    await (await browser.$("#printer-test")).click();
    await waitShown(browser, "#printer-done", 20_000);
    await browser.waitUntil(async () => printer.bytes().includes(Buffer.from([0x1d, 0x56])), { timeout: 10_000 });
    const bytes = printer.bytes();
    // Status first, then the job: ESC @, raster bands (GS v 0), the cut.
    assert.deepEqual([...bytes.subarray(0, 3)], [0x10, 0x04, 1]);
    assert.ok(bytes.includes(Buffer.from([0x1b, 0x40])) && bytes.includes(Buffer.from([0x1d, 0x76, 0x30])), `${bytes.length} bytes`);
    assert.equal(await text(browser, problem), "");
    await shot(browser, "owner-printer");
    // Saved, it is the counter's printer at once: the top bar's chip appears.
    await (await browser.$("#printer-save")).click();
    await browser.waitUntil(async () => /Saved/.test(await text(browser, "#printer-status")), { timeout: 20_000 });
    assert.match(readFileSync(join(dataDir, "config.toml"), "utf8"), new RegExp(`address = "127.0.0.1:${printer.port}"`));
    await closeOwner(browser);
    await waitShown(browser, "#printer-chip", 10_000);
  } finally {
    printer.close();
  }
});
