// The counter's key for the customer display: F10 opens it (on the second monitor when there
// is one) or brings it forward. Rust places the window; closing it never touches the counter.
import { call } from "../ipc/client";

const OPEN_KEY = "F10";

/** Listens for the key on the counter window. */
export function mountCustomerKey(): void {
  window.addEventListener("keydown", (event) => {
    if (event.key !== OPEN_KEY) return;
    event.preventDefault();
    void call("customer_open").catch(() => undefined);
  });
}
