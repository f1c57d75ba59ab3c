/** The pubsub layer: the PubSub interface and its in-process implementation. */
export type { PubSub } from './pubsub.js';
export { LocalPubSub, type LocalPubSubOptions } from './local-pubsub.js';
