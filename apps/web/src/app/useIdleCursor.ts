import { useEffect } from 'react';

/** Class on `<html>` while the pointer rests (the wallboard's stylesheet hides the cursor then). */
export const IDLE_CURSOR_CLASS = 'pb-cursor-idle';

/** Hides the mouse cursor after `idleMs` without pointer movement; any movement shows it again. */
export function useIdleCursor(idleMs: number): void {
  useEffect(() => {
    const root = document.documentElement;
    let timer: ReturnType<typeof setTimeout> | null = null;
    const arm = () => {
      root.classList.remove(IDLE_CURSOR_CLASS);
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => root.classList.add(IDLE_CURSOR_CLASS), idleMs);
    };
    arm();
    window.addEventListener('pointermove', arm);
    window.addEventListener('pointerdown', arm);
    return () => {
      if (timer) clearTimeout(timer);
      window.removeEventListener('pointermove', arm);
      window.removeEventListener('pointerdown', arm);
      root.classList.remove(IDLE_CURSOR_CLASS);
    };
  }, [idleMs]);
}
