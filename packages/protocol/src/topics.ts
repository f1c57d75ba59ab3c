/** A topic names an ordered event log: `dashboard:<id>` or `stream:<key>`. */
export type Topic = `dashboard:${string}` | `stream:${string}`;

export type ParsedTopic = { kind: 'dashboard'; id: string } | { kind: 'stream'; key: string };

/** True for a `stream:<key>` topic. */
export function isStreamTopic(topic: string): boolean {
  return topic.startsWith('stream:');
}

/** Splits a topic into its kind and id; null when it is neither kind. */
export function parseTopic(topic: string): ParsedTopic | null {
  if (topic.startsWith('dashboard:') && topic.length > 10) return { kind: 'dashboard', id: topic.slice(10) };
  if (topic.startsWith('stream:') && topic.length > 7) return { kind: 'stream', key: topic.slice(7) };
  return null;
}

export function dashboardTopic(id: string): Topic {
  return `dashboard:${id}`;
}

export function streamTopic(key: string): Topic {
  return `stream:${key}`;
}
