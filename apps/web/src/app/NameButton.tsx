import { useState, type FormEvent } from 'react';
import { loadDisplayName, saveDisplayName } from './display-name';

/**
 * "You: Amber Falcon" in the top bar: the name others see on this browser's edits, with
 * an inline form to change it (the page reloads so the connection announces the new name).
 */
export function NameButton() {
  const [editing, setEditing] = useState(false);
  const [name] = useState(loadDisplayName);
  const [draft, setDraft] = useState(name);
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    const next = draft.trim();
    if (next && next !== name) {
      saveDisplayName(next);
      location.reload();
    } else setEditing(false);
  };
  if (editing) {
    return (
      <form className="pb-name-form" onSubmit={onSubmit}>
        <input
          className="pb-input"
          value={draft}
          maxLength={100}
          autoFocus
          onChange={(e) => setDraft(e.target.value)}
          onKeyDown={(e) => e.key === 'Escape' && setEditing(false)}
          aria-label="Your name, shown to others on your edits"
          data-testid="display-name-input"
        />
        <button className="pb-btn pb-btn--sm pb-btn--primary" type="submit">
          Save
        </button>
      </form>
    );
  }
  return (
    <button className="pb-btn pb-btn--ghost pb-btn--sm pb-name" type="button" onClick={() => setEditing(true)} title="Your name, shown to others on your edits. Click to change." data-testid="display-name">
      <span className="pb-name__avatar" aria-hidden="true">
        {name
          .split(/\s+/)
          .map((w) => w[0])
          .join('')
          .slice(0, 2)
          .toUpperCase()}
      </span>
      <span className="pb-name__text">{name}</span>
    </button>
  );
}
