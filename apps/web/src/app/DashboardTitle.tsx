import type { DashboardSnapshot } from '@pulseboard/client';
import type { DashboardActions } from '@pulseboard/react';
import { DashboardTitleInput } from './lazy-parts';
import { LoadBoundary } from './LoadBoundary';

/** The dashboard's title in the top bar; a field in edit mode (DashboardTitleInput, from the editor's chunk). */
export function DashboardTitle({ snapshot, editing, setMeta }: { snapshot: DashboardSnapshot; editing: boolean; setMeta: DashboardActions['setMeta'] }) {
  const title = snapshot.view?.title ?? (snapshot.loaded || snapshot.error ? snapshot.id : '…');
  if (!editing || !snapshot.view) {
    return (
      <h1 className="pb-dashboard-title" data-testid="dashboard-title">
        {title}
      </h1>
    );
  }
  // Until the field loads, a read-only one of the same size holds its place.
  const placeholder = <input className="pb-input pb-dashboard-title__input" aria-label="Dashboard title" value={title} readOnly />;
  return (
    <>
      {/* The page keeps its one h1 while the title is a field. */}
      <h1 className="pb-visually-hidden">{title}</h1>
      <LoadBoundary fallback={placeholder} failed={placeholder}>
        <DashboardTitleInput title={title} confirmedTitle={snapshot.confirmed?.title} setMeta={setMeta} />
      </LoadBoundary>
    </>
  );
}
