import type { EnvironmentManager } from './environment-manager.js';
import type { OfflineStore, PersistedTopicSnapshot } from './offline-store.js';

/** At most one save per topic in this interval (saves are never on the path of each event). */
export const TOPIC_SAVE_INTERVAL_MS = 3_000;
/**
 * How soon the first save of a topic asked to be saved early (`changed(…, { firstSoon })`)
 * happens: a dashboard opened and reloaded offline within TOPIC_SAVE_INTERVAL_MS would else
 * have nothing saved (a save started while the page unloads may not reach the store).
 */
export const TOPIC_FIRST_SAVE_MS = 250;
/** A topic snapshot larger than this (as JSON, in UTF-16 code units) is not persisted. */
export const MAX_PERSISTED_TOPIC_CHARS = 256 * 1024;

/** What a held topic's store hands over to be persisted: its position and data, or null when it holds nothing confirmed. */
export type TopicSnapshotReader = () => Omit<PersistedTopicSnapshot, 'topic' | 'savedAt'> | null;

/**
 * Keeps held topics' snapshots across reloads: loads every persisted snapshot once (before
 * the client connects), hands each to its store on first acquire, and saves a topic's
 * snapshot at most once per TOPIC_SAVE_INTERVAL_MS while it changes, and at once when the
 * page is hidden, the store is closed or the client is closed. Store failures are ignored:
 * persistence only makes a reload warm, it never decides what is shown as live.
 */
export class TopicPersistence {
  readonly #store: OfflineStore;
  readonly #key: string;
  readonly #now: () => number;
  readonly #known = new Map<string, PersistedTopicSnapshot>();
  readonly #dirty = new Map<string, TopicSnapshotReader>();
  readonly #timers = new Map<string, ReturnType<typeof setTimeout>>();
  readonly #waiting: Array<() => void> = [];
  readonly #saving = new Set<Promise<void>>();
  /** Topics this persistence has saved (their next saves are throttled, `firstSoon` or not). */
  readonly #savedHere = new Set<string>();
  readonly #offSignal: () => void;
  #loaded = false;
  readonly loaded: Promise<void>;

  constructor(options: { store: OfflineStore; key: string; environment: EnvironmentManager; now: () => number }) {
    this.#store = options.store;
    this.#key = options.key;
    this.#now = options.now;
    this.#offSignal = options.environment.onSignal((signal) => {
      if (signal === 'hidden') this.flushAll();
    });
    this.loaded = this.#load();
  }

  /** Calls `use` with the topic's persisted snapshot (or null) once persisted state is loaded. */
  whenLoaded(topic: string, use: (snapshot: PersistedTopicSnapshot | null) => void): void {
    const run = () => use(this.#known.get(topic) ?? null);
    if (this.#loaded) run();
    else this.#waiting.push(run);
  }

  /**
   * The topic changed: its snapshot is saved within TOPIC_SAVE_INTERVAL_MS (once, however many
   * changes), or within TOPIC_FIRST_SAVE_MS with `firstSoon` while this persistence has not
   * saved it yet (a dashboard: one topic per page, worth having on disk before a quick reload).
   */
  changed(topic: string, read: TopicSnapshotReader, options: { firstSoon?: boolean } = {}): void {
    this.#dirty.set(topic, read);
    if (this.#timers.has(topic)) return;
    const delay = options.firstSoon && !this.#savedHere.has(topic) ? TOPIC_FIRST_SAVE_MS : TOPIC_SAVE_INTERVAL_MS;
    const timer = setTimeout(() => {
      this.#timers.delete(topic);
      this.flush(topic);
    }, delay);
    (timer as { unref?: () => void }).unref?.();
    this.#timers.set(topic, timer);
  }

  /** Saves the topic now if it changed since its last save. */
  flush(topic: string): void {
    const timer = this.#timers.get(topic);
    if (timer) clearTimeout(timer);
    this.#timers.delete(topic);
    const read = this.#dirty.get(topic);
    this.#dirty.delete(topic);
    const held = read?.();
    if (!held || !this.#store.saveTopic) return;
    const snapshot: PersistedTopicSnapshot = { topic, ...held, savedAt: this.#now() };
    if (JSON.stringify(snapshot.data).length > MAX_PERSISTED_TOPIC_CHARS) return;
    this.#known.set(topic, snapshot);
    this.#savedHere.add(topic);
    const saving = this.#store.saveTopic(this.#key, snapshot).catch(() => {});
    this.#saving.add(saving);
    void saving.then(() => this.#saving.delete(saving));
  }

  /** Saves every changed topic now (page hidden, client closed). */
  flushAll(): void {
    for (const topic of [...this.#dirty.keys()]) this.flush(topic);
  }

  /** Saves what changed, stops listening and resolves once every save has finished. */
  async close(): Promise<void> {
    this.flushAll();
    this.#offSignal();
    await Promise.all([...this.#saving]);
  }

  async #load(): Promise<void> {
    try {
      for (const snapshot of (await this.#store.loadTopics?.(this.#key)) ?? []) this.#known.set(snapshot.topic, snapshot);
    } catch {
      // A reload that cannot read its snapshots starts cold.
    }
    this.#loaded = true;
    for (const run of this.#waiting.splice(0)) run();
  }
}
