// Unit tests of the quick note keys: each press counts one more note, in the drawer-count
// grammar the Rust side sums (the screen never adds money up).
import { test } from "node:test";
import assert from "node:assert/strict";
import { addNote } from "../src/views/till/notes.js";

test("a first note, another of the same and a different one are counted", () => {
  assert.equal(addNote("", 10), "10x1");
  assert.equal(addNote("10x1", 10), "10x2");
  assert.equal(addNote("10x2", 5), "10x2 5x1");
  assert.equal(addNote(" 10X2 + 5x1 ", 5), "10x2 5x2");
});

test("an amount typed before a note key becomes one note of itself", () => {
  assert.equal(addNote("20", 1), "20x1 1x1");
  assert.equal(addNote("10,000", 1000), "10000x1 1000x1");
});
