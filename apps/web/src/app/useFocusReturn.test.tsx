// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { useRef } from 'react';
import { cleanup, render } from '@testing-library/preact';
import { useFocusReturn } from './useFocusReturn';

function Panel() {
  const ref = useRef<HTMLDivElement>(null);
  useFocusReturn(ref, 'input');
  return (
    <div ref={ref}>
      <button type="button">Close</button>
      <input aria-label="Title" />
    </div>
  );
}

function Page({ open }: { open: boolean }) {
  return (
    <>
      <button type="button">Open</button>
      {open ? <Panel /> : null}
    </>
  );
}

afterEach(cleanup);

describe('useFocusReturn', () => {
  it('focuses the first matching field on open and gives focus back on close', () => {
    const { getByText, getByLabelText, rerender } = render(<Page open={false} />);
    getByText('Open').focus();
    rerender(<Page open />);
    expect(document.activeElement).toBe(getByLabelText('Title'));
    rerender(<Page open={false} />);
    expect(document.activeElement).toBe(getByText('Open'));
  });
});
