import { useMemo } from 'react';
import Markdown, { type Components } from 'react-markdown';
import type { WidgetProps } from './widget-props';
import { readPath, stringOption } from './widget-data';

/** Links leave the wallboard in a new tab; react-markdown already drops `javascript:` URLs. */
const COMPONENTS: Components = {
  a: ({ node: _node, ...props }) => <a {...props} target="_blank" rel="noopener noreferrer" />,
};

/** The markdown a text widget shows: `options.text`, else the stream value's `text` field. */
export function textOf(widget: WidgetProps['widget'], latest: WidgetProps['data']['latest']): string | null {
  const fromOptions = stringOption(widget.options, 'text');
  if (fromOptions !== undefined) return fromOptions;
  const fromStream = latest !== null && typeof latest === 'object' ? readPath(latest, 'text') : undefined;
  if (typeof fromStream === 'string') return fromStream;
  if (typeof latest === 'number') return String(latest);
  return null;
}

/**
 * Markdown text. Raw HTML in the source is dropped (`skipHtml`), never rendered, so a
 * pushed value cannot inject markup or scripts. Options: text, align ('left'|'center').
 */
export function TextWidget({ widget, data }: WidgetProps) {
  const text = textOf(widget, data.latest);
  const align = widget.options.align === 'center' ? ' pb-text--center' : '';
  // Parsing markdown is the costly part; redo it only when the text changes, not on every point.
  const rendered = useMemo(
    () =>
      text === null ? null : (
        <Markdown skipHtml components={COMPONENTS}>
          {text}
        </Markdown>
      ),
    [text],
  );
  if (text === null) {
    return (
      <div className="pb-text pb-text--placeholder">
        <p>{widget.stream ? 'Waiting for text…' : 'Set a text in the widget options.'}</p>
      </div>
    );
  }
  return (
    <div className={`pb-text pb-scroll${align}`}>
      {rendered}
    </div>
  );
}
