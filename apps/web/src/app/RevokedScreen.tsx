import { chooseIdentity, forgetIdentity, type Identity } from './keyring';
import { BrandMark } from './BrandMark';

const TEXT: Record<NonNullable<Identity['ended']>, { title: string; body: string }> = {
  token_revoked: { title: 'This link was revoked', body: 'Whoever shared it has withdrawn access. Ask them for a new link.' },
  token_expired: { title: 'This link has expired', body: 'Share links last a limited time. Ask whoever shared it for a new one.' },
  unauthorized: { title: 'The server does not know this access token', body: 'It may have been mistyped, or the server was reset. Sign in with another one.' },
};

/** Shown instead of the app when the server refused the page's token for good (contract C2). */
export function RevokedScreen({ identity, others }: { identity: Identity; others: Identity[] }) {
  const reason = identity.ended ?? 'unauthorized';
  const { title, body } = TEXT[reason];
  return (
    <main className="pb-login" data-testid="token-ended" data-reason={reason}>
      <div className="pb-login__card">
        <div className="pb-brand pb-brand--large">
          <BrandMark />
          <span>Pulseboard</span>
        </div>
        <h1 className="pb-login__title" data-testid="token-ended-title">
          {title}
        </h1>
        <p className="pb-login__hint">{body}</p>
        {others.map((other) => (
          <button key={other.id} className="pb-btn" type="button" onClick={() => chooseIdentity(other.id, identity.via)} data-testid="token-ended-switch">
            Continue as {other.me?.name ?? 'another identity'}
          </button>
        ))}
        <button className="pb-btn pb-btn--primary" type="button" onClick={() => forgetIdentity(identity.id)} data-testid="token-ended-forget">
          {reason === 'unauthorized' ? 'Sign in with another token' : 'Forget this link'}
        </button>
      </div>
    </main>
  );
}
