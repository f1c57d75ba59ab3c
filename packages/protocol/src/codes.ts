/** Version of the wire protocol; `hello` must name it. */
export const PROTOCOL_VERSION = 1;

/**
 * Optional encodings a client may ask for in `hello.features`; the server grants those it
 * knows in `welcome.features`. `event-rows`: events of one topic that go out together are
 * sent as one `events` message (topic, epoch and first offset once, one `[ts, value]` row
 * per event); `parseServerFrame` turns them back into `event` messages. `topic-ids` (granted
 * only with `event-rows`): `subscribed` carries a small integer `id` for the topic and epoch,
 * and rows go out as `[id, offset, row…]`; a `ServerFrameDecoder` turns them back.
 * `ts-base` (granted only with `topic-ids`): `welcome.tsBase` is a time (ms) fixed per server
 * process, and the times in those compact rows are sent as milliseconds after it (13 digits
 * become 5–9); the decoder adds it back.
 */
export const Feature = {
  EVENT_ROWS: 'event-rows',
  TOPIC_IDS: 'topic-ids',
  TS_BASE: 'ts-base',
} as const;
export type Feature = (typeof Feature)[keyof typeof Feature];

/** The features this version of the protocol knows. */
export const KNOWN_FEATURES: readonly string[] = Object.values(Feature);

/**
 * WebSocket close codes the server uses. 4xxx are Pulseboard's own; the client treats the
 * `FATAL_CLOSE_CODES` as final (no reconnect) and reconnects after any other.
 */
export const CloseCode = {
  /** Server shutting down; reconnect elsewhere or later. */
  GOING_AWAY: 1001,
  /** A frame the WebSocket layer could not read (bad framing, reserved bits; set by `ws` itself). */
  FRAMING_ERROR: 1002,
  /** A text frame that is not valid UTF-8 (set by `ws` itself). */
  INVALID_UTF8: 1007,
  /** A frame larger than the cap (set by `ws` itself). */
  MESSAGE_TOO_BIG: 1009,
  /** Missing, unknown, expired or revoked token; the reason is `unauthorized`, `token_expired` or `token_revoked`. Fatal. */
  UNAUTHORIZED: 4001,
  /** The client speaks a protocol version this server does not. Fatal. */
  UNSUPPORTED_PROTOCOL: 4002,
  /** The token is valid but may not connect so: reason `client_id_in_use` (the clientId belongs to another token). Fatal. */
  FORBIDDEN: 4003,
  /** No `hello` within the handshake timeout. */
  HELLO_TIMEOUT: 4008,
  /** No message (not even a ping) within the dead-connection timeout. */
  HEARTBEAT_TIMEOUT: 4009,
  /** The client could not keep up; it should reconnect and recover by offset. */
  SLOW_CONSUMER: 4010,
  /** Too many messages for too long. */
  RATE_LIMITED: 4029,
  /** The first message was not `hello`, or the client broke the protocol badly. */
  PROTOCOL_ERROR: 4400,
} as const;
export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];

/** Close codes after which a client must not reconnect on its own. */
export const FATAL_CLOSE_CODES: ReadonlySet<number> = new Set([CloseCode.UNAUTHORIZED, CloseCode.UNSUPPORTED_PROTOCOL, CloseCode.FORBIDDEN]);

/** Stable error codes carried by `error` messages, `ack.error` and HTTP error bodies. */
export const ErrorCode = {
  BAD_JSON: 'bad_json',
  BAD_MESSAGE: 'bad_message',
  /** HTTP: a field is missing or has the wrong type (the message names it). */
  BAD_REQUEST: 'bad_request',
  UNKNOWN_TYPE: 'unknown_type',
  UNAUTHORIZED: 'unauthorized',
  TOKEN_REVOKED: 'token_revoked',
  TOKEN_EXPIRED: 'token_expired',
  FORBIDDEN: 'forbidden',
  CLIENT_ID_IN_USE: 'client_id_in_use',
  NOT_FOUND: 'not_found',
  NOT_SUBSCRIBED: 'not_subscribed',
  OUT_OF_ORDER: 'out_of_order',
  RATE_LIMITED: 'rate_limited',
  LAGGING: 'lagging',
  PAYLOAD_TOO_LARGE: 'payload_too_large',
  VERSION_MISMATCH: 'version_mismatch',
  ALREADY_EXISTS: 'already_exists',
  INVALID_IMPORT: 'invalid_import',
  /** HTTP: the client closed the request before its body arrived. */
  REQUEST_ABORTED: 'request_aborted',
  INTERNAL: 'internal',
  /** The database is out of reach; nothing was written (HTTP 503). Resend later: exactly-once covers a repeat. */
  STORAGE_UNAVAILABLE: 'storage_unavailable',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/**
 * Codes of `ack.error` (and of HTTP mutation results): why a mutation was rejected or
 * superseded. Set by the model's mutators and the storage; docs/protocol.md "Ack error codes".
 */
export const MutationErrorCode = {
  UNKNOWN_MUTATOR: 'unknown_mutator',
  INVALID_ARGS: 'invalid_args',
  WIDGET_EXISTS: 'widget_exists',
  WIDGET_NOT_FOUND: 'widget_not_found',
  TOO_MANY_WIDGETS: 'too_many_widgets',
  OPTIONS_TOO_LARGE: 'options_too_large',
  DASHBOARD_TOO_LARGE: 'dashboard_too_large',
  WIDGET_DELETED: 'widget_deleted',
  NOT_FOUND: 'not_found',
  FORBIDDEN: 'forbidden',
  RESULT_EXPIRED: 'result_expired',
} as const;
export type MutationErrorCode = (typeof MutationErrorCode)[keyof typeof MutationErrorCode];
