import { PulseboardError, type PointValue } from '@pulseboard/model';
import type { SourceErrorView, SourceStatusView, SourceTestResult } from '@pulseboard/protocol';
import type { LogFn } from '../http/http-errors.js';
import type { SingletonRunner } from '../singleton-runner.js';
import type { SourceRecord } from '../storage/storage.js';
import type { SyncService } from '../sync-service.js';
import { HostLimiter } from './host-limiter.js';
import { runHttpJson } from './http-json-run.js';
import { sourceError, type OutboundPolicy } from './outbound-fetch.js';
import { backfillPrometheus, runPrometheus } from './prometheus-run.js';
import { PushCoalescer } from './push-coalescer.js';
import { declaredStreams, type SourceDefinition } from './source-definition.js';
import type { RunContext, RunMemory, RunOutcome, RunPush } from './source-run.js';
import { SourceScheduler } from './source-scheduler.js';

/** Name of the singleton task that runs every source (one node at a time). */
export const SOURCES_SINGLETON = 'sources';
/** How often the runner re-reads the stored sources (changes made through another node). */
export const SOURCE_RESYNC_INTERVAL_MS = 30_000;

/** Outbound limits of the sources: the policy without its limiter, plus the per-host concurrency. */
export interface SourceLimits extends Omit<OutboundPolicy, 'limiter'> {
  hostConcurrency: number;
}

/** Numbers the manager reports (source-metrics.ts turns them into /metrics). */
export interface SourceObserver {
  onRun?(id: string, result: string, durationMs: number): void;
  onStart?(lagMs: number): void;
  /** The source was deleted: its series leave /metrics. */
  onRemoved?(id: string): void;
}

/** What a SourceManager needs. */
export interface SourceManagerOptions {
  sync: SyncService;
  limits: SourceLimits;
  singleton: SingletonRunner;
  log: LogFn;
  observer?: SourceObserver;
  random?: () => number;
  resyncIntervalMs?: number;
}

interface SourceState {
  record: SourceRecord;
  memory: RunMemory;
  /** Streams written so far (series streams of prometheus queries included). */
  streams: Set<string>;
  needsBackfill: boolean;
  abort: AbortController;
  lastRunAt: number | null;
  lastSuccessAt: number | null;
  lastUnchanged: boolean;
  lastError: SourceErrorView | null;
  consecutiveFailures: number;
}

/** A failure as a status entry: a known source error keeps its code; anything else is `internal`. */
function errorView(error: unknown, at: number): SourceErrorView {
  if (error instanceof PulseboardError) return { code: error.code, message: error.message, at };
  return { code: 'internal', message: (error as Error)?.message ?? String(error), at };
}

/** Groups a run's pushes by stream. */
function batchOf(pushes: Array<{ stream: string; ts: number; value: PointValue }>) {
  const byKey = new Map<string, Array<{ ts: number; value: PointValue }>>();
  for (const push of pushes) {
    let points = byKey.get(push.stream);
    if (!points) byKey.set(push.stream, (points = []));
    points.push({ ts: push.ts, value: push.value });
  }
  return [...byKey].map(([key, points]) => ({ key, points }));
}

/**
 * Runs the pull data sources (docs/sources.md): keeps one state per stored source, schedules
 * the enabled ones while this node holds the `sources` singleton, pushes what each run reads
 * through the sync service (so offsets, replay and history work as for any push), and keeps
 * each source's status. Runs of one source never overlap (SourceScheduler).
 */
export class SourceManager {
  readonly #sync: SyncService;
  readonly #pushes: PushCoalescer;
  readonly #policy: OutboundPolicy;
  readonly #singleton: SingletonRunner;
  readonly #log: LogFn;
  readonly #observer: SourceObserver;
  readonly #states = new Map<string, SourceState>();
  readonly #resyncIntervalMs: number;
  readonly #random: () => number;
  #scheduler: SourceScheduler | null = null;
  #resyncTimer: ReturnType<typeof setInterval> | null = null;
  #closed = false;

  constructor(options: SourceManagerOptions) {
    this.#sync = options.sync;
    this.#pushes = new PushCoalescer((batch) => this.#sync.push(batch));
    const { hostConcurrency, ...policy } = options.limits;
    this.#policy = { ...policy, limiter: new HostLimiter(hostConcurrency) };
    this.#singleton = options.singleton;
    this.#log = options.log;
    this.#observer = options.observer ?? {};
    this.#random = options.random ?? Math.random;
    this.#resyncIntervalMs = options.resyncIntervalMs ?? SOURCE_RESYNC_INTERVAL_MS;
  }

  /** The outbound policy every run obeys (the routes check URLs against its allow-list). */
  get policy(): OutboundPolicy {
    return this.#policy;
  }

  /** Loads the stored sources and asks the singleton runner to run them on this node when it may. */
  async start(): Promise<void> {
    await this.resync();
    await this.#singleton.run(SOURCES_SINGLETON, () => {
      const scheduler = new SourceScheduler({
        run: (id) => this.#runScheduled(id),
        onStart: (_id, lagMs) => this.#observer.onStart?.(lagMs),
        random: this.#random,
      });
      this.#scheduler = scheduler;
      for (const state of this.#states.values()) this.#schedule(state);
      this.#resyncTimer = setInterval(() => {
        this.resync().catch((error: unknown) => this.#log('sources: reading the stored sources failed:', error));
      }, this.#resyncIntervalMs);
      this.#resyncTimer.unref?.();
      return async () => {
        if (this.#resyncTimer) clearInterval(this.#resyncTimer);
        this.#resyncTimer = null;
        this.#scheduler = null;
        await scheduler.close();
      };
    });
  }

  /** Aborts the requests in flight; the owner then closes the singleton runner, which stops the schedule. */
  close(): void {
    this.#closed = true;
    for (const state of this.#states.values()) state.abort.abort();
  }

  /** Re-reads the stored sources: new ones start, changed ones restart, deleted ones stop. */
  async resync(): Promise<void> {
    const records = await this.#sync.storage.listSources();
    const seen = new Set<string>();
    for (const record of records) {
      seen.add(record.id);
      const state = this.#states.get(record.id);
      if (!state || state.record.updatedAt !== record.updatedAt) this.#apply(record, false);
    }
    for (const id of [...this.#states.keys()]) if (!seen.has(id)) this.#remove(id);
  }

  /** Takes a source written through this node at once (created: backfill first, then run now). */
  sourceWritten(record: SourceRecord, created: boolean): void {
    this.#apply(record, created);
    this.#scheduler?.runSoon(record.id);
  }

  /**
   * Runs a source now (the Sources page's "Run now", and tests) and resolves with its status
   * after the run. Rejects `source_disabled` (409), or `runs_elsewhere` (409) on a node that
   * does not hold the sources singleton.
   */
  async runNow(id: string): Promise<SourceStatusView> {
    const state = this.#states.get(id);
    if (!state) throw new PulseboardError('not_found', `source "${id}" does not exist`, { status: 404 });
    if (!state.record.definition.enabled) throw new PulseboardError('source_disabled', `source "${id}" is disabled; enable it to run it`, { status: 409 });
    const scheduler = this.#scheduler;
    if (!scheduler) throw new PulseboardError('runs_elsewhere', `source "${id}" runs on another node`, { status: 409 });
    await scheduler.runNow(id);
    return this.status(id)!;
  }

  /** Forgets a deleted source (its run in progress is aborted). */
  sourceDeleted(id: string): void {
    this.#remove(id);
  }

  /** The status of a source, or null when unknown. */
  status(id: string): SourceStatusView | null {
    const state = this.#states.get(id);
    if (!state) return null;
    const enabled = state.record.definition.enabled;
    const here = this.#singleton.holds(SOURCES_SINGLETON);
    const stateName: SourceStatusView['state'] = !enabled
      ? 'disabled'
      : !here
        ? 'elsewhere'
        : state.lastRunAt === null
          ? 'pending'
          : state.lastError
            ? 'failing'
            : 'ok';
    return {
      state: stateName,
      running: this.#scheduler?.isRunning(id) ?? false,
      lastRunAt: state.lastRunAt,
      lastSuccessAt: state.lastSuccessAt,
      lastUnchanged: state.lastUnchanged,
      lastError: state.lastError,
      consecutiveFailures: state.consecutiveFailures,
      nextRunAt: enabled ? (this.#scheduler?.nextRunAt(id) ?? null) : null,
    };
  }

  /** Every stream the source writes: declared ones and series seen so far. */
  streamsOf(id: string): string[] {
    const state = this.#states.get(id);
    return state ? [...state.streams].sort() : [];
  }

  /** The source that feeds `key` (declared or seen), or null. */
  sourceOfStream(key: string): SourceRecord | null {
    for (const state of this.#states.values()) if (state.streams.has(key)) return state.record;
    return null;
  }

  /** Every source's id, kind and status (for /metrics). */
  statuses(): Array<{ id: string; kind: string; status: SourceStatusView }> {
    return [...this.#states.values()].map((s) => ({ id: s.record.id, kind: s.record.definition.kind, status: this.status(s.record.id)! }));
  }

  /** Runs a definition once and reports what it would push; pushes nothing, remembers nothing. */
  async test(definition: SourceDefinition): Promise<SourceTestResult> {
    const started = performance.now();
    try {
      const outcome = await this.#runOnce(definition, { policy: this.#policy, memory: {}, now: Date.now });
      const pushes = outcome.pushes.map(({ stream, value, from }) => ({ stream, value, from }));
      const error = outcome.unmatched.length > 0 ? errorView(this.#unmatchedError(definition.kind, outcome.unmatched), Date.now()) : undefined;
      return { ok: !error, durationMs: Math.round(performance.now() - started), pushes, unmatched: outcome.unmatched, ...(error ? { error } : {}) };
    } catch (error) {
      return { ok: false, durationMs: Math.round(performance.now() - started), pushes: [], unmatched: [], error: errorView(error, Date.now()) };
    }
  }

  #apply(record: SourceRecord, created: boolean): void {
    const previous = this.#states.get(record.id);
    previous?.abort.abort();
    const state: SourceState = {
      record,
      memory: {},
      streams: new Set([...declaredStreams(record.definition), ...(previous?.streams ?? [])]),
      needsBackfill: created && record.definition.kind === 'prometheus' && record.definition.queries.some((q) => q.backfill),
      abort: new AbortController(),
      lastRunAt: previous?.lastRunAt ?? null,
      lastSuccessAt: previous?.lastSuccessAt ?? null,
      lastUnchanged: false,
      lastError: previous?.lastError ?? null,
      consecutiveFailures: previous?.consecutiveFailures ?? 0,
    };
    this.#states.set(record.id, state);
    this.#schedule(state);
  }

  #schedule(state: SourceState): void {
    const scheduler = this.#scheduler;
    if (!scheduler || this.#closed) return;
    const { id, enabled, intervalMs } = state.record.definition;
    if (enabled) scheduler.set(id, intervalMs);
    else scheduler.remove(id);
  }

  #remove(id: string): void {
    this.#observer.onRemoved?.(id);
    this.#states.get(id)?.abort.abort();
    this.#states.delete(id);
    this.#scheduler?.remove(id);
  }

  #runOnce(definition: SourceDefinition, context: RunContext): Promise<RunOutcome> {
    return definition.kind === 'http-json' ? runHttpJson(definition, context) : runPrometheus(definition, context);
  }

  #unmatchedError(kind: SourceDefinition['kind'], unmatched: string[]): PulseboardError {
    if (kind === 'prometheus') return sourceError('selector_empty', `${unmatched.length === 1 ? 'query' : 'queries'} ${unmatched.join(', ')} returned no series`);
    const list = unmatched.map((u) => `"${u}"`).join(', ');
    return sourceError('selector_empty', `${unmatched.length === 1 ? 'selector' : 'selectors'} ${list} matched nothing`);
  }

  async #runScheduled(id: string): Promise<boolean> {
    const state = this.#states.get(id);
    if (!state) return true;
    const started = performance.now();
    const now = Date.now();
    const context: RunContext = { policy: this.#policy, memory: state.memory, signal: state.abort.signal, now: Date.now };
    state.lastRunAt = now;
    let result = 'ok';
    try {
      const definition = state.record.definition;
      if (state.needsBackfill && definition.kind === 'prometheus') {
        const series = await backfillPrometheus(definition, context);
        if (series.length > 0) await this.#push(state, series.flatMap((s) => s.points.map((p) => ({ stream: s.stream, from: 'backfill', ...p }))));
        state.needsBackfill = false;
      }
      const outcome = await this.#runOnce(definition, context);
      if (state.abort.signal.aborted) return true;
      await this.#push(state, outcome.pushes);
      if (outcome.unmatched.length > 0) throw this.#unmatchedError(definition.kind, outcome.unmatched);
      state.memory = outcome.memory;
      state.lastSuccessAt = Date.now();
      state.lastUnchanged = outcome.unchanged;
      state.lastError = null;
      state.consecutiveFailures = 0;
      if (outcome.unchanged) result = 'unchanged';
      return true;
    } catch (error) {
      if (state.abort.signal.aborted) return true;
      const view = errorView(error, Date.now());
      if (view.code === 'internal') this.#log(`source "${id}" run failed unexpectedly:`, error);
      state.lastError = view;
      state.lastUnchanged = false;
      state.consecutiveFailures++;
      result = view.code;
      return false;
    } finally {
      this.#observer.onRun?.(id, result, performance.now() - started);
    }
  }

  async #push(state: SourceState, pushes: RunPush[]): Promise<void> {
    if (pushes.length === 0) return;
    for (const push of pushes) state.streams.add(push.stream);
    await this.#pushes.push(batchOf(pushes));
  }
}
