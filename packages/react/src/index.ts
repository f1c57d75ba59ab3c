/**
 * @pulseboard/react — React bindings for the Pulseboard client: one provider and thin
 * hooks, each a `useSyncExternalStore` over a client store (no state copied into React).
 */
export { PulseboardProvider, type PulseboardProviderProps } from './PulseboardProvider';
export { PulseboardClientProvider, type PulseboardClientProviderProps } from './PulseboardClientProvider';
export { PulseboardContext, usePulseboardClient } from './context';
export { useWebSocket, type WebSocketStatus } from './useWebSocket';
export { useRealtimeUpdates, widgetIdOf, type RealtimeUpdates, type DashboardActions } from './useRealtimeUpdates';
export { useBackgroundSync, type BackgroundSyncStatus } from './useBackgroundSync';
export { useDashboard, emptyDashboardSnapshot } from './useDashboard';
export { useWidgetData, emptyStreamSnapshot } from './useWidgetData';
export { useSyncStatus, type SyncStatusInfo } from './useSyncStatus';
export { useClientNotices, type ClientNotices } from './useClientNotices';
export { usePerformance, type UsePerformanceOptions } from './usePerformance';
export { HandleLease } from './handle-lease';
export { useStoreSelector, shallowEqual } from './use-store-selector';
