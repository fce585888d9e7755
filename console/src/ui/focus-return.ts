/**
 * Focus goes back to the control that opened a dialog when the dialog closes (Escape, Cancel,
 * "I saved it, close"). Mantine's modals do this only while they stay mounted; the key dialogs
 * are unmounted on close or open one after another (New → the one-time secret), so they record
 * their opener here and give the focus back themselves.
 */

/** The control that has the focus now; for an item of a ⋮ menu (gone once the menu closes), the menu's button. */
export function currentOpener(): HTMLElement | null {
  const active = document.activeElement;
  if (!(active instanceof HTMLElement) || active === document.body) return null;
  const menu = active.closest('[role="menu"]');
  if (menu?.id) {
    const target = document.querySelector<HTMLElement>(`[aria-controls="${CSS.escape(menu.id)}"]`);
    if (target) return target;
  }
  return active;
}

/**
 * Focuses `opener` once the closing dialog has let go of the focus (its focus trap and return run
 * on the next frames); `fallback` when the opener is gone (its row was deleted, say).
 */
export function returnFocus(opener: HTMLElement | null, fallback?: () => HTMLElement | null): void {
  window.setTimeout(() => {
    const target = opener?.isConnected ? opener : (fallback?.() ?? null);
    target?.focus();
  }, 50);
}
