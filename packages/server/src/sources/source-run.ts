import type { PointValue } from '@pulseboard/model';
import type { SourcePush } from '@pulseboard/protocol';
import type { OutboundPolicy } from './outbound-fetch.js';

/** What one run of a source remembers for the next (HTTP validators, the last body's digest). */
export interface RunMemory {
  etag?: string;
  lastModified?: string;
  bodyDigest?: string;
}

/** What a run needs besides the definition. */
export interface RunContext {
  policy: OutboundPolicy;
  memory: RunMemory;
  signal?: AbortSignal;
  /** Current time (ms); injectable for tests. */
  now: () => number;
}

/** A point a run produced, with the time it is stamped with. */
export interface RunPush extends SourcePush {
  ts: number;
}

/** The result of a run that reached its server and read a valid answer. */
export interface RunOutcome {
  /** 304, or the same body as last time: nothing to write. */
  unchanged: boolean;
  pushes: RunPush[];
  /** Selectors/queries that produced nothing; a run with any is reported as failed (selector_empty). */
  unmatched: string[];
  /** Validators to remember when the outcome is kept. */
  memory: RunMemory;
}

/** Backfilled history of one stream (a prometheus range query). */
export interface BackfillSeries {
  stream: string;
  points: Array<{ ts: number; value: PointValue }>;
}
