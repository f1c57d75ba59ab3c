import { useCallback, useState } from 'react';
import { ShareDialog } from './lazy-parts';
import { LoadBoundary } from './LoadBoundary';

/** The top bar's Share button (editors only) and its dialog, loaded with the editor's chunk. */
export function ShareButton({ dashboardId, title }: { dashboardId: string; title: string }) {
  const [open, setOpen] = useState(false);
  const close = useCallback(() => setOpen(false), []);
  return (
    <>
      <button className="pb-btn pb-btn--sm" type="button" onClick={() => setOpen(true)} data-testid="share-open" aria-haspopup="dialog">
        Share
      </button>
      {open ? (
        <LoadBoundary fallback={null}>
          <ShareDialog dashboardId={dashboardId} title={title} onClose={close} />
        </LoadBoundary>
      ) : null}
    </>
  );
}
