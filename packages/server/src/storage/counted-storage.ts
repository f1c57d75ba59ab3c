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
  return new Proxy(storage, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      // Bound to the real object: implementations keep their state in private fields.
      const method = value as (...args: unknown[]) => unknown;
      if (typeof property !== 'string' || !counted.has(property)) return method.bind(target);
      return (...args: unknown[]) => {
        onRead(property as StorageReadMethod);
        return method.apply(target, args);
      };
    },
  });
}
