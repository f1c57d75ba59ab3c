import { useEffect, useState } from 'react';

/** localStorage key of the forced theme (absent: follow the system). */
export const THEME_STORAGE_KEY = 'pulseboard.theme';

export type ThemeChoice = 'auto' | 'dark' | 'light';
const NEXT: Record<ThemeChoice, ThemeChoice> = { auto: 'dark', dark: 'light', light: 'auto' };
const LABEL: Record<ThemeChoice, string> = { auto: 'Theme: system', dark: 'Theme: dark', light: 'Theme: light' };

/** The remembered theme choice (`auto` when none). */
export function loadThemeChoice(): ThemeChoice {
  try {
    const saved = localStorage.getItem(THEME_STORAGE_KEY);
    return saved === 'dark' || saved === 'light' ? saved : 'auto';
  } catch {
    return 'auto';
  }
}

/** Applies a theme choice to `<html data-theme>` (the stylesheet's switch) and remembers it. */
export function applyTheme(choice: ThemeChoice): void {
  const root = document.documentElement;
  if (choice === 'auto') root.removeAttribute('data-theme');
  else root.setAttribute('data-theme', choice);
  try {
    if (choice === 'auto') localStorage.removeItem(THEME_STORAGE_KEY);
    else localStorage.setItem(THEME_STORAGE_KEY, choice);
  } catch {
    // Not remembered; applied for this page.
  }
}

/** Cycles the theme: follow the system → dark → light (wallboards usually want dark). */
export function ThemeToggle() {
  const [choice, setChoice] = useState(loadThemeChoice);
  useEffect(() => applyTheme(choice), [choice]);
  return (
    <button className="pb-btn pb-btn--ghost pb-btn--icon pb-btn--sm" type="button" onClick={() => setChoice(NEXT[choice])} title={LABEL[choice]} aria-label={LABEL[choice]} data-testid="theme-toggle" data-theme-choice={choice}>
      <svg viewBox="0 0 24 24" width="15" height="15" aria-hidden="true" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round">
        {choice === 'light' ? (
          <>
            <circle cx="12" cy="12" r="4" />
            <path d="M12 2v2M12 20v2M4.9 4.9l1.4 1.4M17.7 17.7l1.4 1.4M2 12h2M20 12h2M4.9 19.1l1.4-1.4M17.7 6.3l1.4-1.4" />
          </>
        ) : choice === 'dark' ? (
          <path d="M21 12.8A9 9 0 1 1 11.2 3a7 7 0 0 0 9.8 9.8z" />
        ) : (
          <>
            <circle cx="12" cy="12" r="9" />
            <path d="M12 3a9 9 0 0 1 0 18z" fill="currentColor" />
          </>
        )}
      </svg>
    </button>
  );
}
