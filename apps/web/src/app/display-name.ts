/**
 * The name other people see on this browser's edits ("overwritten by Amber Falcon"). Made
 * up once and kept in localStorage; editable from the top bar.
 */

/** localStorage key of the display name. */
export const NAME_STORAGE_KEY = 'pulseboard.name';

const ADJECTIVES = ['Amber', 'Brisk', 'Cobalt', 'Dapper', 'Eager', 'Fern', 'Golden', 'Hazel', 'Indigo', 'Jade', 'Keen', 'Lunar', 'Misty', 'Nimble', 'Olive', 'Plucky', 'Quiet', 'Rusty', 'Silver', 'Teal'];
const ANIMALS = ['Falcon', 'Otter', 'Lynx', 'Heron', 'Badger', 'Fox', 'Marten', 'Puffin', 'Ibex', 'Koala', 'Wren', 'Newt', 'Orca', 'Panda', 'Raven', 'Stoat', 'Tern', 'Viper', 'Yak', 'Zebu'];

/** A random two-word name. */
export function randomDisplayName(random: () => number = Math.random): string {
  const pick = (list: string[]) => list[Math.floor(random() * list.length)] ?? list[0]!;
  return `${pick(ADJECTIVES)} ${pick(ANIMALS)}`;
}

/** This browser's display name (made up and saved on first use). */
export function loadDisplayName(): string {
  try {
    const saved = localStorage.getItem(NAME_STORAGE_KEY);
    if (saved && saved.trim()) return saved.trim().slice(0, 100);
    const name = randomDisplayName();
    localStorage.setItem(NAME_STORAGE_KEY, name);
    return name;
  } catch {
    return randomDisplayName();
  }
}

/** Saves a new display name (used by the next connection). */
export function saveDisplayName(name: string): void {
  try {
    localStorage.setItem(NAME_STORAGE_KEY, name.trim().slice(0, 100));
  } catch {
    // Storage unavailable: keep the current name.
  }
}
