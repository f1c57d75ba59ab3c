/**
 * @pulseboard/protocol — the wire protocol between Pulseboard clients and servers:
 * message schemas and types, topics, close codes, error codes and the protocol version.
 * docs/protocol.md describes every message, field and code.
 */
export * from './codes.js';
export * from './topics.js';
export * from './messages.js';
export { applyDashboardEvent } from './apply-event.js';
export { applyDashboardEventWith, needsMutator, type DashboardEventLike } from './dashboard-event.js';
export { parseClientMessage, parseServerFrame, encodeServerFrame, slimDashboardData, type ParseResult } from './parse.js';
export { ServerFrameDecoder, type ServerFrameDecoderOptions, type TopicIdEventsMessage } from './frame-decoder.js';
export { SHARE_EXPIRY_CHOICES } from './http.js';
export { MAX_POINTS_PER_REQUEST } from './http.js';
export type * from './http.js';
