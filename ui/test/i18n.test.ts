// Unit tests of the one language switch: listeners hear each real change once, and a setting
// that names no known language is not taken for one.
import { test } from "node:test";
import assert from "node:assert/strict";

// `applyLanguage` re-labels the page; under node there is no page, only its language to set.
const page = { documentElement: { lang: "" }, querySelectorAll: () => [] };
Object.assign(globalThis, { document: page });
const { isLang, lang, onLanguageChange, setLanguage, t, toggleLanguage } = await import("../src/i18n.js");

test("switching notifies every listener once and re-labels the page; the same language is a no-op", () => {
  let heard = 0;
  onLanguageChange(() => heard++);
  assert.equal(lang(), "en");
  setLanguage("km");
  assert.equal(heard, 1);
  assert.equal(page.documentElement.lang, "km");
  assert.equal(t("sale.waiting"), "កំពុងរង់ចាំការបង់ប្រាក់");
  setLanguage("km");
  assert.equal(heard, 1, "saving settings with the same language must not re-render");
  toggleLanguage();
  assert.equal(lang(), "en");
  assert.equal(heard, 2);
});

test("only en and km are languages", () => {
  assert.ok(isLang("en") && isLang("km"));
  assert.ok(!isLang("fr") && !isLang("") && !isLang("toString"));
});
