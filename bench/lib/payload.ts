/**
 * The update every bench publisher sends: a ~150-byte JSON object like a host's metrics
 * sample, carrying its send time (`t`, ms since the epoch with sub-ms precision) so the
 * receiving client can compute publish-to-receive latency.
 */
export interface BenchPayload {
  t: number;
  host: string;
  region: string;
  cpu: number;
  mem: number;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  status: string;
}

/** A realistic ~150-byte update stamped with `sentAt`; `seq` varies the numbers. */
export function benchPayload(sentAt: number, seq: number): BenchPayload {
  const k = seq % 997;
  return {
    t: sentAt,
    host: `web-${String(k % 64).padStart(3, '0')}.prod`,
    region: 'eu-west-1',
    cpu: Math.round((0.2 + (k % 71) / 100) * 1e4) / 1e4,
    mem: Math.round((0.3 + (k % 53) / 100) * 1e4) / 1e4,
    rps: 1_000 + ((k * 37) % 900),
    p50: 10 + (k % 9) + 0.25,
    p99: 80 + (k % 40) + 0.5,
    errors: k % 7,
    status: k % 50 === 0 ? 'degraded' : 'ok',
  };
}

/** The send time of a received update's value (payload object, or a bare number). */
export function sentAtOf(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'object' && value !== null) {
    const t = (value as { t?: unknown }).t;
    if (typeof t === 'number') return t;
  }
  return undefined;
}
