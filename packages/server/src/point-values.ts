/** What a stream point's value must be, as error messages say it (HTTP and WebSocket alike). */
export const POINT_VALUE_EXPECTED = 'must be a finite number or a JSON object';

/** What a JSON value is, for messages: `a string`, `an array`, `null`, `a non-finite number`. */
export function describeJson(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'number') return 'a non-finite number';
  return `a ${typeof value}`;
}
