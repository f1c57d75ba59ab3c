/** How deep and how large a free-form JSON value may be. */
export interface JsonBounds {
  /** Containers (objects/arrays) nested in one another; a scalar has depth 0, `{}` depth 1. */
  maxDepth: number;
  /** UTF-8 bytes of the value as `JSON.stringify` writes it. */
  maxBytes: number;
}

/** Where a value broke its bounds (the path from the value's root) and how, as a sentence. */
export interface JsonBoundsViolation {
  path: Array<string | number>;
  message: string;
}

interface Frame {
  value: unknown;
  depth: number;
  key: string | number | null;
  parent: Frame | null;
}

/** Path segments shown in a message before it is cut short with "…", and characters kept of each. */
const SHOWN_PATH_SEGMENTS = 6;
const SHOWN_KEY_CHARS = 40;

function pathOf(frame: Frame): Array<string | number> {
  const path: Array<string | number> = [];
  for (let f: Frame | null = frame; f !== null && f.key !== null; f = f.parent) path.push(f.key);
  path.reverse();
  const shown = path.slice(0, SHOWN_PATH_SEGMENTS).map((key) => (typeof key === 'string' && key.length > SHOWN_KEY_CHARS ? `${key.slice(0, SHOWN_KEY_CHARS)}…` : key));
  return path.length > SHOWN_PATH_SEGMENTS ? [...shown, '…'] : shown;
}

/** UTF-8 bytes of `text` as a JSON string literal (quotes and escapes included), exactly as JSON.stringify writes it. */
export function jsonStringBytes(text: string): number {
  let bytes = 2;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 || c === 0x5c) bytes += 2;
    else if (c < 0x20) bytes += c === 0x08 || c === 0x09 || c === 0x0a || c === 0x0c || c === 0x0d ? 2 : 6;
    else if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4;
        i += 1;
      } else bytes += 6; // a lone surrogate is written as \udxxx
    } else if (c >= 0xdc00 && c <= 0xdfff) bytes += 6;
    else bytes += 3;
  }
  return bytes;
}

function scalarBytes(value: unknown): number {
  switch (typeof value) {
    case 'string':
      return jsonStringBytes(value);
    case 'number':
      return Number.isFinite(value) ? String(value).length : 4;
    case 'boolean':
      return value ? 4 : 5;
    default:
      return 4; // null (and anything JSON cannot hold, which JSON.parse never produces)
  }
}

/**
 * Checks a JSON value (as JSON.parse returns it) against `bounds` without recursion, so a
 * value nested a million levels deep is measured safely; stops at the first violation.
 * Returns null when the value fits.
 */
export function checkJsonBounds(value: unknown, bounds: JsonBounds): JsonBoundsViolation | null {
  let bytes = 0;
  const stack: Frame[] = [{ value, depth: 0, key: null, parent: null }];
  while (stack.length > 0) {
    const frame = stack.pop() as Frame;
    const v = frame.value;
    if (typeof v === 'object' && v !== null) {
      const depth = frame.depth + 1;
      if (depth > bounds.maxDepth) {
        return { path: pathOf(frame), message: `nested deeper than ${bounds.maxDepth} levels` };
      }
      if (Array.isArray(v)) {
        bytes += 2 + Math.max(0, v.length - 1);
        for (let i = v.length - 1; i >= 0; i--) stack.push({ value: v[i], depth, key: i, parent: frame });
      } else {
        const keys = Object.keys(v);
        bytes += 2 + Math.max(0, keys.length - 1);
        for (let i = keys.length - 1; i >= 0; i--) {
          const key = keys[i] as string;
          bytes += jsonStringBytes(key) + 1;
          stack.push({ value: (v as Record<string, unknown>)[key], depth, key, parent: frame });
        }
      }
    } else {
      bytes += scalarBytes(v);
    }
    if (bytes > bounds.maxBytes) return { path: [], message: `larger than ${bounds.maxBytes} bytes as JSON` };
  }
  return null;
}

/** UTF-8 bytes of `value` as JSON.stringify writes it (no recursion). */
export function jsonByteLength(value: unknown): number {
  let bytes = 0;
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v === 'object' && v !== null) {
      if (Array.isArray(v)) {
        bytes += 2 + Math.max(0, v.length - 1);
        for (const item of v) stack.push(item);
      } else {
        const keys = Object.keys(v);
        bytes += 2 + Math.max(0, keys.length - 1);
        for (const key of keys) {
          bytes += jsonStringBytes(key) + 1;
          stack.push((v as Record<string, unknown>)[key]);
        }
      }
    } else bytes += scalarBytes(v);
  }
  return bytes;
}
