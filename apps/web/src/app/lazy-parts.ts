/**
 * The parts of the app loaded on demand, so a viewer or a wallboard downloads only what
 * shows a live dashboard (budget: scripts/check-web-bundle.mjs). The editor (drag-and-drop
 * grid, widget settings, type picker, share dialog) is one chunk; each other route and the
 * history panel are their own. Render them inside a LoadBoundary.
 */
import { lazy } from 'react';

const loadEditor = () => import('./editor');

const loadNoticeToast = () => import('./NoticeToast');

/**
 * Starts fetching the editor's chunk (and the notices', which edits bring) ahead of need:
 * an editor's dashboard. Failures show where the parts render.
 */
export function preloadEditor(): void {
  loadEditor().catch(() => {});
  loadNoticeToast().catch(() => {});
}

/** The undo engine's class, from the editor's chunk (useUndoRedo). */
export const loadUndoEngine = () => loadEditor().then((m) => m.UndoEngine);

export const EditableGrid = lazy(() => loadEditor().then((m) => ({ default: m.EditableGrid })));
export const WidgetEditor = lazy(() => loadEditor().then((m) => ({ default: m.WidgetEditor })));
export const AddWidgetPicker = lazy(() => loadEditor().then((m) => ({ default: m.AddWidgetPicker })));
export const DashboardTitleInput = lazy(() => loadEditor().then((m) => ({ default: m.DashboardTitleInput })));
export const ShareDialog = lazy(() => loadEditor().then((m) => ({ default: m.ShareDialog })));
export const ShareButton = lazy(() => loadEditor().then((m) => ({ default: m.ShareButton })));
export const EditControls = lazy(() => loadEditor().then((m) => ({ default: m.EditControls })));
export const UndoToast = lazy(() => loadEditor().then((m) => ({ default: m.UndoToast })));
export const UndoRefusedToast = lazy(() => loadEditor().then((m) => ({ default: m.UndoRefusedToast })));
export type { NoticeActions } from './NoticeToast';
export const NoticeToast = lazy(() => loadNoticeToast().then((m) => ({ default: m.NoticeToast })));
export const HistoryPanel = lazy(() => import('./HistoryPanel').then((m) => ({ default: m.HistoryPanel })));
export const DashboardList = lazy(() => import('./DashboardList').then((m) => ({ default: m.DashboardList })));
export const LoginForm = lazy(() => import('./LoginForm').then((m) => ({ default: m.LoginForm })));
export const RevokedScreen = lazy(() => import('./RevokedScreen').then((m) => ({ default: m.RevokedScreen })));
export const SourcesPage = lazy(() => import('./SourcesPage').then((m) => ({ default: m.SourcesPage })));
