import { useIdentity } from './identity-context';

/** The top bar's link to the Sources page, shown only to an identity that may manage sources (its `me`: admin). */
export function SourcesLink() {
  if (!useIdentity()?.me?.can.admin) return null;
  return (
    <a className="pb-btn pb-btn--ghost pb-btn--sm" href="#/sources" data-testid="sources-link" title="Data the server pulls on a schedule">
      Sources
    </a>
  );
}
