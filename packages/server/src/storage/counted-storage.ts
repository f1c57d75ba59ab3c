import type { Storage } from './storage.js';

/** The Storage methods that only read: each call is counted by `countStorageReads`. */
export const STORAGE_READ_METHODS = ['getDashboard', 'getSnapshot', 'getHead', 'readEvents', 'getStream', 'listDashboards', 'listStreams'] as const;
export type StorageReadMethod = (typeof STORAGE_READ_METHODS)[number];

/**
 * The same storage, telling `onRead` about every read call (for `pulseboard_storage_reads_total`):
 * how often the snapshot cache and the hub still go to storage. Writes pass through untouched.
 */
export function countStorageReads(storage: Storage, onRead: (method: StorageReadMethod) => void): Storage {
  const counted = new Set<string>(STORAGE_READ_METHODS);
  // One wrapper per method, made on first use: no allocation per call on the write path.
  const wrappers = new Map<PropertyKey, { method: unknown; wrapper: unknown }>();
  return new Proxy(storage, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      const known = wrappers.get(property);
      if (known?.method === value) return known.wrapper;
      // Bound to the real object: implementations keep their state in private fields.
      const method = value as (...args: unknown[]) => unknown;
      const wrapper =
        typeof property === 'string' && counted.has(property)
          ? (...args: unknown[]) => {
              onRead(property as StorageReadMethod);
              return method.apply(target, args);
            }
          : method.bind(target);
      wrappers.set(property, { method: value, wrapper });
      return wrapper;
    },
  });
}
