/**
 * Selectors of http-json sources: JMESPath expressions (the community edition's TypeScript
 * implementation, @jmespath-community/jmespath) evaluated over the fetched JSON, and the rule
 * that turns a result into a stream value.
 */
import { TreeInterpreter, compile, type JSONValue } from '@jmespath-community/jmespath';
import type { PointValue } from '@pulseboard/model';

type Compiled = ReturnType<typeof compile>;

/** Compiled expressions by text; selectors are few and rarely change, so the cache stays small. */
const compiled = new Map<string, Compiled>();
/** Past this many distinct expressions the cache starts over (a guard, not a tuning knob). */
const MAX_COMPILED_SELECTORS = 10_000;

/** The parser's message when `path` is not a JMESPath expression, else null. */
export function selectorSyntaxError(path: string): string | null {
  try {
    compileSelector(path);
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}

function compileSelector(path: string): Compiled {
  let node = compiled.get(path);
  if (!node) {
    node = compile(path);
    if (compiled.size >= MAX_COMPILED_SELECTORS) compiled.clear();
    compiled.set(path, node);
  }
  return node;
}

/** Evaluates a selector; `null` when it matched nothing (JMESPath's answer for a missing path). */
export function evaluateSelector(path: string, data: unknown): unknown {
  return TreeInterpreter.search(compileSelector(path), data as JSONValue);
}

/**
 * A selector's result as a stream value: numbers (and numeric strings, as Prometheus and many
 * APIs send them) as numbers, booleans as 1/0, objects as they are, other strings as
 * `{value}` (a status tile reads it), arrays as `{items}` (a table reads it). Null when it
 * matched nothing or is not a finite number.
 */
export function toPointValue(result: unknown): PointValue | null {
  if (result === null || result === undefined) return null;
  if (typeof result === 'number') return Number.isFinite(result) ? result : null;
  if (typeof result === 'boolean') return result ? 1 : 0;
  if (typeof result === 'string') {
    const trimmed = result.trim();
    const number = trimmed === '' ? Number.NaN : Number(trimmed);
    return Number.isFinite(number) ? number : { value: result };
  }
  if (Array.isArray(result)) return { items: result };
  if (typeof result === 'object') return result as Record<string, unknown>;
  return null;
}
