import { useEffect, useRef } from 'react';
import { WidgetIcon } from '../widgets/WidgetIcon';
import { WIDGET_TYPE_LIST, type WidgetTypeInfo } from '../widgets/widget-types';
import { useFocusReturn } from './useFocusReturn';

/** The "Add widget" dialog: one button per widget type, with its icon and description; picking passes the type's registry entry. */
export function AddWidgetPicker({ onPick, onClose }: { onPick: (info: WidgetTypeInfo) => void; onClose: () => void }) {
  const ref = useRef<HTMLDivElement>(null);
  useFocusReturn(ref, '.pb-type-option');
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && onClose();
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);
  return (
    <>
      <div className="pb-scrim" onClick={onClose} />
      <div className="pb-dialog" role="dialog" aria-modal="true" aria-labelledby="pb-add-title" data-testid="widget-picker" ref={ref}>
        <div className="pb-dialog__header">
          <h2 id="pb-add-title" className="pb-dialog__title">
            Add a widget
          </h2>
          <button className="pb-btn pb-btn--ghost pb-btn--icon pb-btn--sm" type="button" onClick={onClose} aria-label="Close" data-testid="widget-picker-close">
            ✕
          </button>
        </div>
        <div className="pb-type-picker">
          {WIDGET_TYPE_LIST.map((info) => (
            <button key={info.type} className="pb-type-option" type="button" onClick={() => onPick(info)} data-testid={`add-widget-${info.type}`}>
              <WidgetIcon type={info.type} className="pb-type-option__icon" />
              <span className="pb-type-option__label">{info.label}</span>
              <span className="pb-type-option__description">{info.description}</span>
            </button>
          ))}
        </div>
      </div>
    </>
  );
}
