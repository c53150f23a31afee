// Quick note keys on the cash screen, as text: pure, so it is unit-tested without a page.

/**
 * One more `note` handed over, in the drawer-count grammar Rust sums (`20x2 5x1`): counting
 * notes, never adding money. A plain amount typed before becomes one note of itself (Rust
 * refuses it if no such note exists).
 */
export function addNote(text: string, note: number): string {
  const entries = text.trim() === "" ? [] : text.trim().split(/[\s+]+/);
  const counts = entries.map((e) => (/x/i.test(e) ? e.toLowerCase() : `${e.replace(/,/g, "")}x1`));
  const at = counts.findIndex((e) => e.split("x")[0] === String(note));
  if (at < 0) return [...counts, `${note}x1`].join(" ");
  const [value, count] = counts[at].split("x");
  counts[at] = `${value}x${Number(count) + 1}`;
  return counts.join(" ");
}
