/**
 * The add-source form's fields as an API body (POST /api/sources). Pure: the server
 * validates the result and names a bad field; this only shapes what was typed.
 */
import type { SourceInput } from './sources-api';

/** What the Sources page and the side panel's "Pull from a source" collect. */
export interface SourceFormFields {
  kind: 'http-json' | 'prometheus';
  id: string;
  url: string;
  /** Seconds between runs, as typed. */
  intervalSeconds: string;
  /** One `stream = expression` per line (JMESPath for http-json, PromQL for prometheus). */
  lines: string;
  /** Optional secret header: `Name: value` (e.g. `Authorization: Bearer …`). */
  secretHeader: string;
}

/** `stream = expression` lines (blank lines skipped); the first "=" splits, so PromQL's `==` and `!=` stay whole. */
export function parseSourceLines(text: string): { pairs: Array<{ stream: string; expression: string }>; error: string | null } {
  const pairs: Array<{ stream: string; expression: string }> = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (!line) continue;
    const at = line.indexOf('=');
    if (at <= 0) return { pairs, error: `Line ${i + 1}: write “stream = expression”` };
    pairs.push({ stream: line.slice(0, at).trim(), expression: line.slice(at + 1).trim() });
  }
  return { pairs, error: pairs.length === 0 ? 'Add at least one “stream = expression” line' : null };
}

/** The API body for the fields, or the first problem found before asking the server. */
export function sourceInputFromFields(fields: SourceFormFields): { input: SourceInput } | { error: string } {
  const { pairs, error } = parseSourceLines(fields.lines);
  if (error) return { error };
  const interval = Number(fields.intervalSeconds);
  const headers: Array<{ name: string; value: string; secret: boolean }> = [];
  if (fields.secretHeader.trim()) {
    const at = fields.secretHeader.indexOf(':');
    if (at <= 0) return { error: 'Secret header: write “Name: value”' };
    headers.push({ name: fields.secretHeader.slice(0, at).trim(), value: fields.secretHeader.slice(at + 1).trim(), secret: true });
  }
  const input: SourceInput = {
    kind: fields.kind,
    url: fields.url.trim(),
    ...(fields.id.trim() ? { id: fields.id.trim() } : {}),
    ...(fields.intervalSeconds.trim() && Number.isFinite(interval) ? { intervalMs: Math.round(interval * 1000) } : {}),
    ...(headers.length ? { headers } : {}),
  };
  if (fields.kind === 'http-json') input.selectors = pairs.map((p) => ({ stream: p.stream, path: p.expression }));
  else input.queries = pairs.map((p) => ({ stream: p.stream, query: p.expression }));
  return { input };
}
