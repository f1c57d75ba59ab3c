import { hrefFor } from './routing';

/** The top bar's link to the dashboard's wallboard (kiosk) view. */
export function KioskButton({ id }: { id: string }) {
  return (
    <a className="pb-btn pb-btn--sm" href={hrefFor({ name: 'kiosk', ids: [id], everyMs: 0 })} data-testid="kiosk-open" title="Full-screen wallboard view for a TV: no controls, fits the screen">
      Wallboard
    </a>
  );
}
