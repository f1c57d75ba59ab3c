import type { DashboardSnapshot } from '@pulseboard/client';
import type { DashboardActions } from '@pulseboard/react';
import { DraftInput, type ParseResult } from './DraftInput';

function parseTitle(text: string): ParseResult<string> {
  return text.trim() ? { ok: true, value: text } : { ok: false, error: 'A title is required' };
}

/** The dashboard's title in the top bar; an input in edit mode (optimistic, debounced `setDashboardMeta`). */
export function DashboardTitle({ snapshot, editing, setMeta }: { snapshot: DashboardSnapshot; editing: boolean; setMeta: DashboardActions['setMeta'] }) {
  const title = snapshot.view?.title ?? (snapshot.loaded || snapshot.error ? snapshot.id : '…');
  if (!editing || !snapshot.view) {
    return (
      <h1 className="pb-dashboard-title" data-testid="dashboard-title">
        {title}
      </h1>
    );
  }
  const before = snapshot.confirmed?.title;
  return (
    <>
      {/* The page keeps its one h1 while the title is a field. */}
      <h1 className="pb-visually-hidden">{title}</h1>
      <DraftInput
      className="pb-input pb-dashboard-title__input"
      aria-label="Dashboard title"
      value={title}
      format={(s) => s}
      parse={parseTitle}
      onCommit={(next) => setMeta({ title: next.trim() }, { debounce: true, ...(before ? { expect: { title: before } } : {}) })}
      maxLength={200}
      data-testid="dashboard-title-input"
      />
    </>
  );
}
