/**
 * The outbound host allow-list of pull sources (DESIGN.md §7): which hosts a source may
 * fetch from. Entries: `*` (any host), `*.example.com` (any subdomain), `example.com` (any
 * port) or `example.com:8080` (that port only). IPv6 hosts are written in brackets.
 */

/** True when `url`'s host matches an entry of `allowed`. */
export function isHostAllowed(url: URL, allowed: readonly string[]): boolean {
  const host = url.hostname.toLowerCase();
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  for (const raw of allowed) {
    const entry = raw.trim().toLowerCase();
    if (entry === '') continue;
    if (entry === '*') return true;
    const { entryHost, entryPort } = splitEntry(entry);
    if (entryPort !== null && entryPort !== port) continue;
    if (entryHost.startsWith('*.') ? host.endsWith(entryHost.slice(1)) : host === entryHost) return true;
  }
  return false;
}

function splitEntry(entry: string): { entryHost: string; entryPort: string | null } {
  const bracketed = /^(\[[^\]]+\])(?::(\d+))?$/.exec(entry);
  if (bracketed) return { entryHost: bracketed[1]!, entryPort: bracketed[2] ?? null };
  const colon = entry.lastIndexOf(':');
  if (colon > 0 && /^\d+$/.test(entry.slice(colon + 1)) && entry.indexOf(':') === colon) return { entryHost: entry.slice(0, colon), entryPort: entry.slice(colon + 1) };
  return { entryHost: entry, entryPort: null };
}

/** Parses the `--source-hosts` setting: a comma- or space-separated list. */
export function parseHostList(text: string): string[] {
  return text
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}
