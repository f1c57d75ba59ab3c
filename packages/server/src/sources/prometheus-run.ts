import type { PrometheusQuery } from '@pulseboard/protocol';
import { requestHeaders } from './http-json-run.js';
import { fetchOutbound, sourceError } from './outbound-fetch.js';
import type { SourceDefinition } from './source-definition.js';
import type { BackfillSeries, RunContext, RunOutcome, RunPush } from './source-run.js';
import { toPointValue } from './selectors.js';

type PrometheusDefinition = Extract<SourceDefinition, { kind: 'prometheus' }>;

type Sample = [number, string];
interface Series {
  metric: Record<string, string>;
  value?: Sample;
  values?: Sample[];
}
interface PrometheusAnswer {
  status: 'success' | 'error';
  data?: { resultType: 'vector' | 'scalar' | 'matrix' | 'string'; result: unknown };
  errorType?: string;
  error?: string;
}

const KEY_UNSAFE = /[^A-Za-z0-9._:-]+/g;
const MAX_STREAM_KEY_LENGTH = 128;

/**
 * The stream of one series: the query's stream when the series has no labels (besides
 * `__name__`), else the stream followed by the label values in label-name order, e.g.
 * `up.prometheus.127.0.0.1:9090` for `up{instance="127.0.0.1:9090",job="prometheus"}`.
 */
export function seriesStream(stream: string, metric: Record<string, string>): string {
  const names = Object.keys(metric)
    .filter((name) => name !== '__name__')
    .sort();
  if (names.length === 0) return stream;
  const parts = names.map((name) => (metric[name] ?? '').replace(KEY_UNSAFE, '_') || '_');
  return `${stream}.${parts.join('.')}`.slice(0, MAX_STREAM_KEY_LENGTH);
}

async function askPrometheus(definition: PrometheusDefinition, path: string, params: Record<string, string>, context: RunContext): Promise<PrometheusAnswer['data'] & object> {
  const url = new URL(path, definition.url.endsWith('/') ? definition.url : `${definition.url}/`);
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  const response = await fetchOutbound(
    { url: url.toString(), method: 'GET', headers: requestHeaders(definition), timeoutMs: definition.timeoutMs, ...(context.signal ? { signal: context.signal } : {}) },
    context.policy,
  );
  let answer: PrometheusAnswer | null = null;
  try {
    answer = JSON.parse(response.body) as PrometheusAnswer;
  } catch {
    // A non-JSON answer is reported by status below, or as not_json.
  }
  if (answer?.status === 'error') {
    throw sourceError('prometheus_error', `Prometheus: ${answer.error ?? 'error'}${answer.errorType ? ` (${answer.errorType})` : ''}`);
  }
  if (response.status < 200 || response.status > 299) throw sourceError('http_status', `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''} from ${new URL(response.url).host}`);
  if (!answer || typeof answer !== 'object' || !answer.data) throw sourceError('not_json', `the answer of ${url.pathname} is not a Prometheus API answer`);
  return answer.data;
}

/** Points of one instant query; an empty vector leaves `pushes` empty (unmatched). */
function instantPushes(query: PrometheusQuery, data: NonNullable<PrometheusAnswer['data']>): RunPush[] {
  if (data.resultType === 'scalar') {
    const [t, v] = data.result as Sample;
    const value = toPointValue(v);
    return value === null ? [] : [{ stream: query.stream, value, from: query.query, ts: Math.round(t * 1000) }];
  }
  if (data.resultType !== 'vector') throw sourceError('bad_value', `query "${query.query}" returns a ${data.resultType}; use an instant vector or a scalar`);
  const pushes: RunPush[] = [];
  for (const series of data.result as Series[]) {
    if (!series.value) continue;
    const value = toPointValue(series.value[1]);
    if (value !== null) pushes.push({ stream: seriesStream(query.stream, series.metric), value, from: query.query, ts: Math.round(series.value[0] * 1000) });
  }
  return pushes;
}

/** One run of a prometheus source: every instant query, in order. */
export async function runPrometheus(definition: PrometheusDefinition, context: RunContext): Promise<RunOutcome> {
  const pushes: RunPush[] = [];
  const unmatched: string[] = [];
  for (const query of definition.queries) {
    const data = await askPrometheus(definition, 'api/v1/query', { query: query.query }, context);
    const produced = instantPushes(query, data);
    if (produced.length === 0) unmatched.push(query.query);
    pushes.push(...produced);
  }
  return { unchanged: false, pushes, unmatched, memory: {} };
}

/** The history of each query that asks for a backfill: a range query over its range. */
export async function backfillPrometheus(definition: PrometheusDefinition, context: RunContext): Promise<BackfillSeries[]> {
  const out: BackfillSeries[] = [];
  const end = context.now() / 1000;
  for (const query of definition.queries) {
    if (!query.backfill) continue;
    const { rangeMs, stepMs } = query.backfill;
    const data = await askPrometheus(definition, 'api/v1/query_range', { query: query.query, start: String(end - rangeMs / 1000), end: String(end), step: String(stepMs / 1000) }, context);
    if (data.resultType !== 'matrix') continue;
    for (const series of data.result as Series[]) {
      const points = (series.values ?? []).flatMap(([t, v]) => {
        const value = toPointValue(v);
        return value === null ? [] : [{ ts: Math.round(t * 1000), value }];
      });
      if (points.length > 0) out.push({ stream: seriesStream(query.stream, series.metric), points });
    }
  }
  return out;
}
