// Keyboard-first tables: Enter on a focused row opens it.

/** Run `go` when `e` is Enter (and keep Enter from doing anything else). */
export function onEnter(e: KeyboardEvent, go: () => void): void {
  if (e.key === "Enter") {
    e.preventDefault();
    go();
  }
}
