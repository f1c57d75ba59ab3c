import { useState } from 'react';
import type { Layout, Widget } from '@pulseboard/model';
import { readingOrder } from './grid-layout';

/** Props of the phone layout bar. */
export interface PhoneLayoutControlsProps {
  /** The phone (xs) layout. */
  layouts: Readonly<Record<string, Layout>>;
  columns: number;
  titles: Readonly<Record<string, Pick<Widget, 'title' | 'type'>>>;
  moveWidget: (id: string, x: number, y: number) => void;
  resizeWidget: (id: string, w: number, h: number) => void;
}

/**
 * Edit mode on a phone: dragging would fight scrolling, so a widget is picked from a list and
 * moved earlier/later or resized with buttons. Only the phone layout changes.
 */
export function PhoneLayoutControls({ layouts, columns, titles, moveWidget, resizeWidget }: PhoneLayoutControlsProps) {
  // Its own pick, not the page's selection: selecting opens the settings panel, which would cover a phone.
  const [picked, setPicked] = useState<string | null>(null);
  const order = readingOrder(layouts);
  const id = picked && layouts[picked] ? picked : order[0];
  const l = id ? layouts[id] : undefined;
  const index = id ? order.indexOf(id) : -1;
  const prev = index > 0 ? layouts[order[index - 1]!] : undefined;
  const next = index >= 0 && index < order.length - 1 ? layouts[order[index + 1]!] : undefined;
  return (
    <div className="pb-phone-layout" data-testid="phone-layout">
      <p className="pb-phone-layout__hint">On a phone, widgets move and resize with these buttons (dragging is off). Changes apply to the phone layout only.</p>
      {id && l ? (
        <div className="pb-phone-layout__row">
          <select aria-label="Widget to arrange" value={id} onChange={(e) => setPicked(e.target.value)} data-testid="phone-layout-widget">
            {order.map((wid) => (
              <option key={wid} value={wid}>
                {titles[wid]?.title || titles[wid]?.type || wid}
              </option>
            ))}
          </select>
          <button className="pb-btn pb-btn--sm" type="button" disabled={!prev} onClick={() => prev && moveWidget(id, l.x, prev.y)} data-testid="phone-move-up">
            Earlier
          </button>
          <button className="pb-btn pb-btn--sm" type="button" disabled={!next} onClick={() => next && moveWidget(id, l.x, next.y)} data-testid="phone-move-down">
            Later
          </button>
          <button className="pb-btn pb-btn--sm" type="button" onClick={() => resizeWidget(id, l.w >= columns ? 1 : columns, l.h)} data-testid="phone-width">
            {l.w >= columns ? 'Half width' : 'Full width'}
          </button>
          <button className="pb-btn pb-btn--sm" type="button" disabled={l.h <= 1} onClick={() => resizeWidget(id, l.w, l.h - 1)} data-testid="phone-shorter">
            Shorter
          </button>
          <button className="pb-btn pb-btn--sm" type="button" onClick={() => resizeWidget(id, l.w, l.h + 1)} data-testid="phone-taller">
            Taller
          </button>
        </div>
      ) : null}
    </div>
  );
}
