import { useState, type FormEvent } from 'react';
import { BrandMark } from './BrandMark';
import { addToken, chooseIdentity } from './keyring';

/** Asks for an access token when the app was opened without a login link. */
export function LoginForm({ error }: { error?: string | undefined }) {
  const [value, setValue] = useState('');
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (value.trim()) chooseIdentity(addToken(value.trim()).id);
  };
  return (
    <main className="pb-login" data-testid="login">
      <form className="pb-login__card" onSubmit={onSubmit}>
        <h1 className="pb-brand pb-brand--large">
          <BrandMark />
          <span>Pulseboard</span>
        </h1>
        <p className="pb-login__hint">
          Open the login link printed by <code>pulseboard start</code>, or paste an access token.
        </p>
        {error ? (
          <p className="pb-login__error" role="alert" data-testid="login-error">
            {error}
          </p>
        ) : null}
        <label className="pb-field">
          <span className="pb-field__label">Access token</span>
          <input
            className="pb-input"
            type="password"
            autoComplete="current-password"
            autoFocus
            value={value}
            onChange={(e) => setValue(e.target.value)}
            placeholder="pb_…"
            data-testid="login-token"
          />
        </label>
        <button className="pb-btn pb-btn--primary" type="submit" disabled={!value.trim()} data-testid="login-submit">
          Sign in
        </button>
      </form>
    </main>
  );
}
