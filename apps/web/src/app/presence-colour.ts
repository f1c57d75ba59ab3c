/** Colours other viewers are shown in (avatars, the outline of the widget they selected). */
const PRESENCE_COLOURS = ['#d9480f', '#2b8a3e', '#1971c2', '#9c36b5', '#c2255c', '#0c8599', '#e67700', '#5f3dc4'];

/** One viewer's colour: the same for the same clientId on every screen. */
export function presenceColour(clientId: string): string {
  let hash = 0;
  for (let i = 0; i < clientId.length; i++) hash = (hash * 31 + clientId.charCodeAt(i)) >>> 0;
  return PRESENCE_COLOURS[hash % PRESENCE_COLOURS.length]!;
}

/** "AB" for "Ada Bell", "B" for "bob"; "?" without a name. */
export function initials(name: string | undefined): string {
  const parts = (name ?? '').trim().split(/\s+/).filter(Boolean);
  if (parts.length === 0) return '?';
  return parts.length === 1 ? parts[0]!.slice(0, 1).toUpperCase() : `${parts[0]![0]}${parts.at(-1)![0]}`.toUpperCase();
}
