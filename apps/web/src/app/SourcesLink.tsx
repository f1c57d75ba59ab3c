import { useEffect, useState } from 'react';
import { useToken } from './auth';
import { canManageSources } from './sources-api';
import { useOnline } from './useOnline';

/** One answer per token for the page's lifetime: the link must not cost a request per render. */
const adminByToken = new Map<string, Promise<boolean>>();

/** The top bar's link to the Sources page, shown only to a token that may manage sources. */
export function SourcesLink() {
  const token = useToken();
  const online = useOnline();
  const [admin, setAdmin] = useState(false);
  useEffect(() => {
    if (!token || !online) return;
    let answer = adminByToken.get(token);
    if (!answer) {
      answer = canManageSources({ token }).catch(() => {
        adminByToken.delete(token);
        return false;
      });
      adminByToken.set(token, answer);
    }
    let live = true;
    void answer.then((yes) => live && setAdmin(yes));
    return () => {
      live = false;
    };
  }, [token, online]);
  if (!admin) return null;
  return (
    <a className="pb-btn pb-btn--ghost pb-btn--sm" href="#/sources" data-testid="sources-link" title="Data the server pulls on a schedule">
      Sources
    </a>
  );
}
