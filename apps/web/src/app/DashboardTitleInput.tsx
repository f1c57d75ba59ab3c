import type { DashboardActions } from '@pulseboard/react';
import { DraftInput, type ParseResult } from './DraftInput';

function parseTitle(text: string): ParseResult<string> {
  return text.trim() ? { ok: true, value: text } : { ok: false, error: 'A title is required' };
}

/** Props of the title field: the title shown, the confirmed one (what an edit expects), and the edit. */
export interface DashboardTitleInputProps {
  title: string;
  confirmedTitle: string | undefined;
  setMeta: DashboardActions['setMeta'];
}

/** The dashboard's title as a field in edit mode (optimistic, debounced `setDashboardMeta`); loaded with the editor. */
export function DashboardTitleInput({ title, confirmedTitle, setMeta }: DashboardTitleInputProps) {
  return (
    <DraftInput
      className="pb-input pb-dashboard-title__input"
      aria-label="Dashboard title"
      value={title}
      format={(s) => s}
      parse={parseTitle}
      onCommit={(next) => setMeta({ title: next.trim() }, { debounce: true, ...(confirmedTitle ? { expect: { title: confirmedTitle } } : {}) })}
      maxLength={200}
      data-testid="dashboard-title-input"
    />
  );
}
