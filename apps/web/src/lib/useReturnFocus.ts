import { useLayoutEffect, useRef } from 'react';

/**
 * Focus goes back to what opened a dialog opened without a trigger of its own (a row's Enter, a menu
 * item): what had focus when `open` became true is remembered before the dialog moves focus into
 * itself, and focused again when it closes (`onCloseAutoFocus`). When that element is gone (a menu
 * item), `fallback` says where to go instead (e.g. the menu's button); else the browser's default.
 */
export function useReturnFocus(open: boolean, fallback?: () => HTMLElement | null) {
  const opener = useRef<HTMLElement | null>(null);
  useLayoutEffect(() => {
    if (!open) return;
    const active = document.activeElement;
    opener.current = active instanceof HTMLElement && active !== document.body ? active : null;
  }, [open]);
  return (event: Event) => {
    const remembered = opener.current;
    opener.current = null;
    const target = remembered?.isConnected ? remembered : (fallback?.() ?? null);
    if (!target) return;
    event.preventDefault();
    target.focus({ preventScroll: false });
  };
}
