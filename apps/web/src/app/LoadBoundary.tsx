import { Component, Suspense, type ReactNode } from 'react';

/** Props of a lazily loaded part's boundary. */
export interface LoadBoundaryProps {
  children: ReactNode;
  /** Shown while the part's chunk loads; should take the part's place (no layout shift). */
  fallback: ReactNode;
  /** Shown when the part failed to load or render; by default a note with a reload button. */
  failed?: ReactNode;
}

interface LoadBoundaryState {
  error: Error | null;
}

/**
 * Suspense around a part of the app loaded on demand (React.lazy), and an error boundary so
 * a chunk that cannot be fetched (offline, or replaced by a newer build) breaks that part
 * only, never the whole page.
 */
export class LoadBoundary extends Component<LoadBoundaryProps, LoadBoundaryState> {
  override state: LoadBoundaryState = { error: null };

  static getDerivedStateFromError(error: unknown): LoadBoundaryState {
    return { error: error instanceof Error ? error : new Error(String(error)) };
  }

  override render(): ReactNode {
    const { error } = this.state;
    if (!error) return <Suspense fallback={this.props.fallback}>{this.props.children}</Suspense>;
    if (this.props.failed !== undefined) return this.props.failed;
    return (
      <div className="pb-callout pb-callout--error" role="alert" data-testid="load-failed">
        <span>This part of the page could not be loaded: {error.message || 'unknown error'}</span>{' '}
        <button className="pb-btn pb-btn--sm" type="button" onClick={() => location.reload()}>
          Reload
        </button>
      </div>
    );
  }
}
