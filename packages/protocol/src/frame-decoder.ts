import type { EventRowsMessage, ServerMessage, SubscribedMessage } from './messages.js';
import { expandRows } from './parse.js';

/**
 * A compact events message of the `topic-ids` feature: the topic id (from `subscribed.id`),
 * the offset of the first row, then the rows exactly as in an `events` message.
 */
export type TopicIdEventsMessage = [id: number, offset: number, ...rows: EventRowsMessage['rows']];

/** What a decoder does with a compact message whose id it was never told (a server fault). */
export interface ServerFrameDecoderOptions {
  /** Called once per such message; the message itself is dropped, never applied to a guess. */
  onUnknownId?(id: number): void;
}

interface TopicPosition {
  topic: string;
  epoch: string;
}

/**
 * Decodes the server frames of ONE connection: `parseServerFrame`, plus the `topic-ids`
 * compact messages, expanded into the `event` messages the rest of a client consumes. It
 * learns id → (topic, epoch) from each `subscribed` carrying an `id`, and forgets a topic's id
 * at its next `subscribed` or its `unsubscribed` (the server sends nothing of a topic after
 * either under the old id). Ids are node-local: make a new decoder for every connection.
 * With `ts-base`, it takes `welcome.tsBase` and adds it to the times of compact rows.
 */
export class ServerFrameDecoder {
  readonly #options: ServerFrameDecoderOptions;
  readonly #byId = new Map<number, TopicPosition>();
  readonly #idOfTopic = new Map<string, number>();
  /** `welcome.tsBase` (ts-base), added to the times of compact rows; 0 without it. */
  #tsBase = 0;

  constructor(options: ServerFrameDecoderOptions = {}) {
    this.#options = options;
  }

  /** Ids this connection currently knows. */
  get size(): number {
    return this.#byId.size;
  }

  /** Parses one frame: a message or an array of messages; compact and `events` messages come back as `event` messages. */
  decode(text: string): ServerMessage[] {
    const data: unknown = JSON.parse(text);
    // A frame is one message or an array of messages; a compact message is itself an array starting with its id.
    const messages = Array.isArray(data) && typeof data[0] !== 'number' ? (data as unknown[]) : [data];
    const out: ServerMessage[] = [];
    for (const item of messages) {
      if (Array.isArray(item)) {
        this.#expand(item, out);
        continue;
      }
      const message = item as ServerMessage | EventRowsMessage;
      if (message === null || typeof message !== 'object') continue;
      if (message.type === 'events') {
        expandRows(message.topic, message.epoch, message.offset, message.rows, 0, out);
        continue;
      }
      if (message.type === 'subscribed') this.#learn(message);
      else if (message.type === 'unsubscribed') this.#forget(message.topic);
      else if (message.type === 'welcome') this.#tsBase = typeof message.tsBase === 'number' ? message.tsBase : 0;
      out.push(message);
    }
    return out;
  }

  #expand(message: unknown[], out: ServerMessage[]): void {
    const [id, offset] = message;
    const position = typeof id === 'number' ? this.#byId.get(id) : undefined;
    if (position === undefined || typeof offset !== 'number') {
      this.#options.onUnknownId?.(typeof id === 'number' ? id : NaN);
      return;
    }
    expandRows(position.topic, position.epoch, offset, message, 2, out, this.#tsBase);
  }

  #learn(message: SubscribedMessage): void {
    this.#forget(message.topic);
    if (typeof message.id !== 'number') return;
    this.#byId.set(message.id, { topic: message.topic, epoch: message.epoch });
    this.#idOfTopic.set(message.topic, message.id);
  }

  #forget(topic: string): void {
    const id = this.#idOfTopic.get(topic);
    if (id === undefined) return;
    this.#idOfTopic.delete(topic);
    this.#byId.delete(id);
  }
}
