/**
 * The node-wide ids of the `topic-ids` feature: each (topic, epoch) gets a small integer,
 * the same for every connection (so one serialisation of a compact message serves every
 * subscriber), from a counter that never goes back, so an id is never reused within the
 * process. A topic's ids are forgotten once no topic-ids connection holds it (`retain` /
 * `release`); it gets a fresh id when subscribed again. Ids mean nothing on another node.
 */
/** Epochs of one topic whose ids are kept at once (a log reset is rare; older ids go first). */
const MAX_EPOCHS_PER_TOPIC = 4;

export class TopicIds {
  /**
   * The `ts-base` of this node: the times in rows under its ids are sent as milliseconds after
   * it. Fixed for the process (the rows' bytes are shared by every connection); rows of events
   * older than it (a replay) carry negative numbers.
   */
  readonly tsBase = Date.now();
  #next = 1;
  readonly #topics = new Map<string, { holders: number; ids: Map<string, number> }>();

  /** The id of `topic` in `epoch`, made on first use. */
  idOf(topic: string, epoch: string): number {
    let entry = this.#topics.get(topic);
    if (entry === undefined) {
      // Not held (no retain): an id is still made, and kept until the topic is next released.
      entry = { holders: 0, ids: new Map() };
      this.#topics.set(topic, entry);
    }
    let id = entry.ids.get(epoch);
    if (id === undefined) {
      if (entry.ids.size >= MAX_EPOCHS_PER_TOPIC) entry.ids.delete(entry.ids.keys().next().value as string);
      id = this.#next++;
      entry.ids.set(epoch, id);
    }
    return id;
  }

  /** One more subscription of a topic-ids connection holds `topic`. */
  retain(topic: string): void {
    const entry = this.#topics.get(topic);
    if (entry === undefined) this.#topics.set(topic, { holders: 1, ids: new Map() });
    else entry.holders += 1;
  }

  /** One such subscription ended; the last one forgets the topic's ids. */
  release(topic: string): void {
    const entry = this.#topics.get(topic);
    if (entry === undefined) return;
    entry.holders -= 1;
    if (entry.holders <= 0) this.#topics.delete(topic);
  }

  /** Topics with ids (tests and stats). */
  get size(): number {
    return this.#topics.size;
  }
}
