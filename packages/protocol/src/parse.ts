import { describeZodError } from '@pulseboard/model';
import { ErrorCode } from './codes.js';
import { clientMessageSchemas, type ClientMessage, type ServerMessage } from './messages.js';

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
  const parsed = clientMessageSchemas[type as keyof typeof clientMessageSchemas].safeParse(input);
  if (!parsed.success) {
    return { ok: false, code: ErrorCode.BAD_MESSAGE, error: `${type}: ${describeZodError(parsed.error)}`, ref: { type } };
  }
  return { ok: true, message: parsed.data as ClientMessage };
}

/** Parses one server frame: a single message or an array of messages (batched frame). */
export function parseServerFrame(text: string): ServerMessage[] {
  const data: unknown = JSON.parse(text);
  return (Array.isArray(data) ? data : [data]) as ServerMessage[];
}

/** Serialises several server messages into one frame (an array when more than one). */
export function encodeServerFrame(messages: readonly ServerMessage[] | readonly string[]): string {
  if (messages.length === 1) return typeof messages[0] === 'string' ? messages[0] : JSON.stringify(messages[0]);
  if (typeof messages[0] === 'string') return `[${(messages as readonly string[]).join(',')}]`;
  return JSON.stringify(messages);
}
