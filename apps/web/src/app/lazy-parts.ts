/**
 * The parts of the app loaded on demand, so a viewer or a wallboard downloads only what
 * shows a live dashboard (budget: scripts/check-web-bundle.mjs). The editor (drag-and-drop
 * grid, widget settings, type picker, share dialog) is one chunk; each other route and the
 * history panel are their own. Render them inside a LoadBoundary.
 */
import { lazy } from 'react';

const loadEditor = () => import('./editor');

/** Starts fetching the editor's chunk ahead of need (an editor's dashboard); failures show where it renders. */
export function preloadEditor(): void {
  loadEditor().catch(() => {});
}

export const EditableGrid = lazy(() => loadEditor().then((m) => ({ default: m.EditableGrid })));
export const WidgetEditor = lazy(() => loadEditor().then((m) => ({ default: m.WidgetEditor })));
export const AddWidgetPicker = lazy(() => loadEditor().then((m) => ({ default: m.AddWidgetPicker })));
export const ShareDialog = lazy(() => loadEditor().then((m) => ({ default: m.ShareDialog })));
export const HistoryPanel = lazy(() => import('./HistoryPanel').then((m) => ({ default: m.HistoryPanel })));
export const DashboardList = lazy(() => import('./DashboardList').then((m) => ({ default: m.DashboardList })));
export const SourcesPage = lazy(() => import('./SourcesPage').then((m) => ({ default: m.SourcesPage })));
