import { describeZodError, safeParseWithMessages } from '@pulseboard/model';
import { ErrorCode } from './codes.js';
import { clientMessageSchemas, type ClientMessage, type DashboardEventData, type EventMessage, type EventRowsMessage, type ServerMessage } from './messages.js';
import { isStreamTopic } from './topics.js';

export type ParseResult<T> = { ok: true; message: T } | { ok: false; code: ErrorCode; error: string; ref?: { type?: string } };

/**
 * Validates one client message (already JSON-parsed). Never throws: a bad message comes
 * back with a code and a sentence naming the problem, ready to send as an `error`.
 */
export function parseClientMessage(input: unknown): ParseResult<ClientMessage> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return { ok: false, code: ErrorCode.BAD_MESSAGE, error: 'a message must be a JSON object with a "type"' };
  }
  const type = (input as { type?: unknown }).type;
  if (typeof type !== 'string') return { ok: false, code: ErrorCode.BAD_MESSAGE, error: 'type: must be a string' };
  if (!Object.hasOwn(clientMessageSchemas, type)) {
    return {
      ok: false,
      code: ErrorCode.UNKNOWN_TYPE,
      error: `unknown message type "${type.slice(0, 40)}"; expected one of ${Object.keys(clientMessageSchemas).join(', ')}`,
      ref: { type: type.slice(0, 40) },
    };
  }
  const parsed = safeParseWithMessages(clientMessageSchemas[type as keyof typeof clientMessageSchemas], input);
  if (!parsed.success) {
    return { ok: false, code: ErrorCode.BAD_MESSAGE, error: `${type}: ${describeZodError(parsed.error)}`, ref: { type } };
  }
  return { ok: true, message: parsed.data as ClientMessage };
}

/**
 * Parses one server frame: a single message or an array of messages (batched frame).
 * `events` messages (the `event-rows` encoding) come back as one `event` message per row.
 */
export function parseServerFrame(text: string): ServerMessage[] {
  const data: unknown = JSON.parse(text);
  const messages = (Array.isArray(data) ? data : [data]) as Array<ServerMessage | EventRowsMessage>;
  let out: ServerMessage[] | null = null;
  for (let i = 0; i < messages.length; i++) {
    const message = messages[i] as ServerMessage | EventRowsMessage;
    if (message.type === 'events') {
      out ??= messages.slice(0, i) as ServerMessage[];
      expandRows(message.topic, message.epoch, message.offset, message.rows, 0, out);
    } else if (out !== null) {
      out.push(message);
    }
  }
  return out ?? (messages as ServerMessage[]);
}

/**
 * Appends one `event` message per row of `rows` from index `start` to `out`: the first is the
 * event at `offset`, the next at `offset + 1`… (`events` messages, and topic-ids messages whose
 * rows follow the id and offset). `tsBase` is added to the times of the rows (`ts-base`).
 */
export function expandRows(topic: string, epoch: string, offset: number, rows: readonly unknown[], start: number, out: ServerMessage[], tsBase = 0): void {
  const stream = isStreamTopic(topic);
  for (let i = start; i < rows.length; i++) {
    const row = rows[i] as EventRowsMessage['rows'][number];
    const ts = row[0] + tsBase;
    const data = stream ? { ts: row.length > 2 ? (row[2] as number) + tsBase : ts, value: row[1] } : restoreDashboardData(row[1] as SlimDashboardData);
    out.push({ type: 'event', topic, epoch, offset: offset + i - start, ts, data } as EventMessage);
  }
}

/**
 * A dashboard event's data as an `event-rows` row carries it: without what a receiver can
 * restore or does not need (docs/protocol.md, "events"): `status` when `applied`, `conflicts`
 * when empty, and `args` when a `patch` says what changed and nobody's edit was overwritten
 * (a client reads a confirmed event's args only for a conflict notice about its own edit).
 * `restoreDashboardData` is its inverse (but for `args`).
 */
export function slimDashboardData(data: DashboardEventData): object {
  if (data.kind !== 'mutation' || data.status === 'conflict') return data;
  const { args, status: _status, conflicts, ...rest } = data;
  return { ...rest, ...(data.patch ? {} : { args }), ...(conflicts.length > 0 ? { conflicts } : {}) };
}

/** A dashboard row's data: a mutation may leave out `status` (applied), `conflicts` (none) and `args`. */
type SlimDashboardData = { kind: string; status?: string; conflicts?: unknown[] };

/** The `event` form of a dashboard row's data (the defaults its row left out put back). */
function restoreDashboardData(data: SlimDashboardData): SlimDashboardData {
  if (data.kind === 'mutation') {
    data.status ??= 'applied';
    data.conflicts ??= [];
  }
  return data;
}

/** Serialises several server messages into one frame (an array when more than one). */
export function encodeServerFrame(messages: readonly ServerMessage[] | readonly string[]): string {
  if (messages.length === 1) return typeof messages[0] === 'string' ? messages[0] : JSON.stringify(messages[0]);
  if (typeof messages[0] === 'string') return `[${(messages as readonly string[]).join(',')}]`;
  return JSON.stringify(messages);
}
