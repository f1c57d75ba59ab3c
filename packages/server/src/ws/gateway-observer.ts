/** Callbacks the WebSocket gateway calls so its numbers reach /metrics. Each is isolated: one that throws is logged and ignored. */
export interface GatewayObserver {
  onConnectionOpened?(): void;
  onConnectionClosed?(code: number): void;
  onMessageIn?(type: string): void;
  onFramesOut?(messages: number, bytes: number): void;
  onFanout?(latencyMs: number, recipients: number): void;
}
