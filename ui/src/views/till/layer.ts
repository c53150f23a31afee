// A full-screen layer over the counter for the till's screens (cash, sign-in, shift). While
// one is open it takes every key first (capture phase), so the counter behind it never sees
// digits or Enter; typing into its inputs still works, being the keys' default action.
import { h } from "../../dom";

export interface Layer {
  /** Shows `content`; `onKey` gets every key first and says whether it used it. */
  show(content: HTMLElement, onKey: (e: KeyboardEvent) => boolean): void;
  hide(): void;
  isOpen(): boolean;
}

/** Appends a hidden layer with id `id` to the page. */
export function mountLayer(id: string): Layer {
  const el = h("section", { class: "till-layer", id, hidden: true, role: "dialog" });
  document.body.append(el);
  let handler: (e: KeyboardEvent) => boolean = () => false;
  window.addEventListener(
    "keydown",
    (e) => {
      if (el.hidden) return;
      e.stopPropagation();
      if (handler(e)) e.preventDefault();
    },
    true,
  );
  // Buttons must not keep focus: Enter on a focused button would press it a second time.
  el.addEventListener("mousedown", (e) => {
    if ((e.target as HTMLElement).closest("button")) e.preventDefault();
  });
  return {
    show(content, onKey) {
      handler = onKey;
      el.replaceChildren(content);
      el.hidden = false;
    },
    hide() {
      el.hidden = true;
      el.replaceChildren();
      handler = () => false;
    },
    isOpen: () => !el.hidden,
  };
}

/** A button with its label and key hint. */
export function keyButton(id: string, label: string, key: string, cls = "btn btn-secondary"): HTMLButtonElement {
  return h("button", { type: "button", class: cls, id }, h("span", {}, label), h("kbd", {}, key));
}

let shared: Layer | null = null;

/** The one till layer (cash screen and shift screens take turns in it). */
export function tillLayer(): Layer {
  shared ??= mountLayer("till");
  return shared;
}
