import type { PresenceEntry } from '@pulseboard/client';
import { initials, presenceColour } from './presence-colour';

/** Everyone else viewing this dashboard now, for the top bar; a ring marks who is editing. */
export function PresenceAvatars({ presence, selfClientId }: { presence: Readonly<Record<string, PresenceEntry>>; selfClientId: string }) {
  const others = Object.values(presence)
    .filter((p) => p.viewer && p.clientId !== selfClientId)
    .sort((a, b) => (a.clientId < b.clientId ? -1 : 1));
  if (others.length === 0) return null;
  return (
    <div className="pb-presence" aria-label={`${others.length} other ${others.length === 1 ? 'viewer' : 'viewers'}`} data-testid="presence">
      {others.map((p) => {
        const label = `${p.name ?? 'Someone'}${p.editing ? ' (editing)' : ' (viewing)'}`;
        return (
          <span
            key={p.clientId}
            className="pb-presence__avatar"
            style={{ background: presenceColour(p.clientId) }}
            title={label}
            aria-label={label}
            role="img"
            data-testid="presence-avatar"
            data-client-id={p.clientId}
            data-name={p.name ?? ''}
            data-editing={p.editing ? 'true' : 'false'}
          >
            {initials(p.name)}
          </span>
        );
      })}
    </div>
  );
}
