/**
 * fast-check building blocks shared by the WebSocket and HTTP fuzzers: names that look like
 * ours, prototype names, and "weird" values (wrong types, deep nesting, huge strings,
 * prototype keys). Deep and huge values are placeholders in the generated object, expanded
 * in the JSON text (`expandPlaceholders`), so generating them costs nothing.
 */
import fc from 'fast-check';
import { BREAKPOINTS, MUTATOR_NAMES, WIDGET_TYPES, type MutatorName } from '@pulseboard/model';

/** The dashboard the fuzzers create and edit. */
export const FUZZ_DASHBOARD = 'fuzz';
export const PROTOTYPE_NAMES = ['__proto__', 'constructor', 'toString', 'valueOf', 'hasOwnProperty', 'prototype', '__defineGetter__'] as const;

const DEEP_LEVELS = [63, 64, 65, 100, 1_000, 5_000, 50_000] as const;

/** A value nested `levels` deep, as a placeholder. */
export const deep = fc.constantFrom(...DEEP_LEVELS).map((levels) => `__DEEP_${levels}__`);
/** A long string, as a placeholder: mostly around the 64 KiB value caps, rarely over the 1 MiB frame/body cap. */
export const huge = fc
  .oneof({ weight: 40, arbitrary: fc.constantFrom(1_000, 65_000, 70_000) }, { weight: 4, arbitrary: fc.constant(300_000) }, { weight: 1, arbitrary: fc.constant(1_100_000) })
  .map((n) => `__HUGE_${n}__`);
/** An object whose keys are prototype names, as a placeholder. */
export const protoObject = fc.constant('__PROTO__');

/** A value of any JSON type or shape, including the hostile ones. */
export const weird: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 1, arbitrary: deep },
  { weight: 1, arbitrary: huge },
  { weight: 1, arbitrary: protoObject },
  { weight: 1, arbitrary: fc.constantFrom(...PROTOTYPE_NAMES) },
  { weight: 1, arbitrary: fc.constantFrom(null, -1, 0, 1.5, 1e308, -0, '', true, [], {}, Number.MAX_SAFE_INTEGER + 2) },
);

/** Mostly `valid`, sometimes anything else. */
export function usually<T>(valid: fc.Arbitrary<T>): fc.Arbitrary<unknown> {
  return fc.oneof({ weight: 5, arbitrary: valid as fc.Arbitrary<unknown> }, { weight: 1, arbitrary: weird });
}

export const dashboardIds = fc.oneof(
  { weight: 6, arbitrary: fc.constant(FUZZ_DASHBOARD) },
  { weight: 1, arbitrary: fc.constantFrom('fuzz-other', 'nope', 'UPPER', 'a b', '', 'x'.repeat(65), ...PROTOTYPE_NAMES) },
);
export const widgetIds = fc.constantFrom('w1', 'w2', 'w3', 'w4', 'constructor', 'toString', '__proto__', 'bad id', '');
export const streamKeys = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('fuzz.a', 'fuzz.b', 'fuzz.c') },
  { weight: 1, arbitrary: fc.constantFrom('other.x', 'bad key', '', '.dot', 'x'.repeat(129), ...PROTOTYPE_NAMES) },
);
export const mutatorNames = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...MUTATOR_NAMES) },
  { weight: 1, arbitrary: fc.constantFrom(...PROTOTYPE_NAMES, 'dropTable', '', 'x'.repeat(65)) },
);
export const widgetTypes = fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...WIDGET_TYPES) }, { weight: 1, arbitrary: fc.constantFrom('chart', '', 'constructor') });
export const options = usually(fc.dictionary(fc.constantFrom('unit', 'decimals', 'min', 'max', 'text', 'color', 'thresholds'), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }));
export const layout = usually(fc.record({ x: fc.nat(11), y: fc.nat(20), w: fc.integer({ min: 1, max: 6 }), h: fc.integer({ min: 1, max: 6 }) }, { requiredKeys: [] }));
export const pointValue = usually(fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 })));
const expect = usually(fc.dictionary(fc.constantFrom('title', 'layout', 'options.unit', 'constructor'), weird, { maxKeys: 2 }));

const breakpoint = usually(fc.constantFrom(...BREAKPOINTS, 'huge'));
const ripple = usually(fc.dictionary(widgetIds, fc.record({ from: layout, to: layout }), { maxKeys: 2 }));
const widget = usually(fc.record({ id: widgetIds, type: widgetTypes, title: usually(fc.string({ maxLength: 20 })), layout, stream: streamKeys, options }, { requiredKeys: ['id', 'type'] }));

/** Args of the right shape for each mutator, with hostile fields mixed in (typed: a new mutator must get an entry). */
export const argsFor: Record<MutatorName, fc.Arbitrary<unknown>> = {
  addWidget: fc.record({ widget }),
  restoreWidget: fc.record({ widget, ripple }, { requiredKeys: ['widget'] }),
  setLayout: fc.record({ id: widgetIds, layout, breakpoint, ripple, expect, ifUnchanged: usually(fc.boolean()) }, { requiredKeys: ['id', 'layout'] }),
  removeWidget: fc.record({ id: widgetIds, expect }, { requiredKeys: ['id'] }),
  moveWidget: fc.record({ id: widgetIds, x: usually(fc.nat(11)), y: usually(fc.nat(30)), expect }, { requiredKeys: ['id', 'x', 'y'] }),
  resizeWidget: fc.record({ id: widgetIds, w: usually(fc.integer({ min: 1, max: 12 })), h: usually(fc.integer({ min: 1, max: 8 })), expect }, { requiredKeys: ['id', 'w', 'h'] }),
  updateWidget: fc.record({ id: widgetIds, set: usually(fc.record({ title: fc.string({ maxLength: 20 }), stream: fc.option(streamKeys), options }, { requiredKeys: [] })), expect }, { requiredKeys: ['id', 'set'] }),
  setDashboardMeta: fc.record({ set: usually(fc.record({ title: fc.string({ minLength: 1, maxLength: 20 }), description: fc.string({ maxLength: 50 }), columns: fc.integer({ min: 1, max: 24 }) }, { requiredKeys: [] })), expect }, { requiredKeys: ['set'] }),
};

/** Args of any mutator's shape, or anything at all (for a name they may not fit). */
export const mutationArgs: fc.Arbitrary<unknown> = fc.oneof(...Object.values(argsFor), weird);

/** A mutator name with args of its own shape (mostly), or a name that is no mutator. */
export const namedMutation: fc.Arbitrary<{ name: unknown; args: unknown }> = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(...MUTATOR_NAMES).chain((name) => argsFor[name].map((args) => ({ name, args }))) },
  { weight: 1, arbitrary: fc.record({ name: mutatorNames, args: mutationArgs }) },
);

function deepText(levels: number): string {
  return '{"a":'.repeat(levels) + '1' + '}'.repeat(levels);
}

/** The JSON text of `value` with its placeholders expanded (deep values, huge strings, prototype keys). */
export function expandPlaceholders(value: unknown): string {
  return JSON.stringify(value)
    .replace(/"__DEEP_(\d+)__"/g, (_, levels: string) => deepText(Number(levels)))
    .replace(/"__HUGE_(\d+)__"/g, (_, n: string) => `"${'x'.repeat(Number(n))}"`)
    .replace(/"__PROTO__"/g, '{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}},"toString":1}');
}
