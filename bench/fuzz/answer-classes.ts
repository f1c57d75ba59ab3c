/**
 * How the fuzz suite sorts the server's answers into classes (`error:bad_message`,
 * `ack:rejected:invalid_args`, `close:1009`, `400:bad_request`, …) and which answers break
 * the rules of issue 7: a 5xx, `internal`, or a code docs/protocol.md and docs/api.md do not
 * list. The documented sets come from `@pulseboard/protocol`'s code tables.
 */
import { CloseCode, ErrorCode, MutationErrorCode, type ServerMessage } from '@pulseboard/protocol';

/** Every error code an `error`, an `ack.error` or an HTTP error body may carry. */
export const DOCUMENTED_ERROR_CODES: ReadonlySet<string> = new Set([
  ...Object.values(ErrorCode),
  ...Object.values(MutationErrorCode),
  // Contracts C1/C2 (docs/protocol.md, docs/api.md): named refusals of a token or clientId.
  'client_id_in_use',
  'token_revoked',
  'token_expired',
]);

/** Close codes the server may send (1000: our own clean close). */
export const DOCUMENTED_CLOSE_CODES: ReadonlySet<number> = new Set([1000, ...Object.values(CloseCode)]);

/** Counts per answer class, and every answer that breaks the rules (with an example). */
export class Tally {
  readonly counts = new Map<string, number>();
  readonly violations: string[] = [];

  add(answerClass: string, count = 1): void {
    this.counts.set(answerClass, (this.counts.get(answerClass) ?? 0) + count);
  }

  violation(description: string): void {
    this.add('VIOLATION');
    if (this.violations.length < 50) this.violations.push(description);
  }

  total(prefix = ''): number {
    let n = 0;
    for (const [key, count] of this.counts) if (key.startsWith(prefix)) n += count;
    return n;
  }

  merge(other: Tally): void {
    for (const [key, count] of other.counts) this.add(key, count);
    for (const v of other.violations) if (this.violations.length < 50) this.violations.push(v);
  }

  /** The counts as aligned lines, largest first. */
  format(): string {
    return [...this.counts]
      .sort((a, b) => b[1] - a[1])
      .map(([key, count]) => `  ${String(count).padStart(8)}  ${key}`)
      .join('\n');
  }
}

/** Classifies one server message; records a violation for `internal` or an undocumented code. */
export function classifyMessage(message: ServerMessage, tally: Tally, context: string): void {
  if (message.type === 'error') {
    tally.add(`error:${message.code}`);
    if (message.code === ErrorCode.INTERNAL || !DOCUMENTED_ERROR_CODES.has(message.code)) {
      tally.violation(`${context}: error ${message.code}: ${message.message.slice(0, 200)}`);
    }
    return;
  }
  if (message.type === 'ack') {
    const code = message.error?.code;
    tally.add(`ack:${message.status}${code ? `:${code}` : ''}`);
    if (code !== undefined && !DOCUMENTED_ERROR_CODES.has(code)) tally.violation(`${context}: ack error ${code}: ${message.error?.message.slice(0, 200)}`);
    return;
  }
  tally.add(message.type);
}

/** Classifies a close the server made. */
export function classifyClose(code: number, reason: string, tally: Tally, context: string): void {
  tally.add(`close:${code}`);
  if (!DOCUMENTED_CLOSE_CODES.has(code)) tally.violation(`${context}: close ${code} ${reason.slice(0, 120)}`);
}

/** Classifies an HTTP answer: `<status>:<error code>`; a 5xx or an undocumented code is a violation. */
export function classifyHttp(status: number, bodyText: string, tally: Tally, context: string): void {
  if (status < 400) {
    tally.add(String(status));
    return;
  }
  let code = 'no-json-error';
  try {
    const body = JSON.parse(bodyText) as { error?: { code?: unknown } };
    if (typeof body.error?.code === 'string') code = body.error.code;
  } catch {
    // Smashing answers a bad token in plain text, as Smashing does (docs/api.md).
    if (status === 401 && bodyText === 'Invalid API key') code = 'smashing-invalid-api-key';
  }
  tally.add(`${status}:${code}`);
  if (status >= 500 || code === ErrorCode.INTERNAL || (code !== 'smashing-invalid-api-key' && !DOCUMENTED_ERROR_CODES.has(code))) {
    tally.violation(`${context}: HTTP ${status} ${bodyText.slice(0, 200)}`);
  }
}
