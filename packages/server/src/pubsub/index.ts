/** The pubsub layer: the PubSub interface, its in-process and its Redis implementation. */
export type { PubSub, TransientMessage } from './pubsub.js';
export { RedisPubSub, type RedisPubSubOptions } from './redis-pubsub.js';
export { LocalPubSub, type LocalPubSubOptions } from './local-pubsub.js';
