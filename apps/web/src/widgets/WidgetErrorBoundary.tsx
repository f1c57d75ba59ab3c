import { Component, type ErrorInfo, type ReactNode } from 'react';

/** Props of the per-widget error boundary. */
export interface WidgetErrorBoundaryProps {
  children: ReactNode;
  /** Any change of these (a new widget config, a new data point) retries the render. */
  resetKeys: readonly unknown[];
  onError?: (error: Error, info: ErrorInfo) => void;
}

interface WidgetErrorBoundaryState {
  error: Error | null;
  resetKeys: readonly unknown[];
}

/**
 * Catches a render error of one widget and shows it in place, so one broken widget never
 * blanks the dashboard. It retries when the widget or its data changes: an edit or the
 * next point may well fix it.
 */
export class WidgetErrorBoundary extends Component<WidgetErrorBoundaryProps, WidgetErrorBoundaryState> {
  override state: WidgetErrorBoundaryState = { error: null, resetKeys: this.props.resetKeys };

  static getDerivedStateFromError(error: unknown): Partial<WidgetErrorBoundaryState> {
    return { error: error instanceof Error ? error : new Error(String(error)) };
  }

  static getDerivedStateFromProps(props: WidgetErrorBoundaryProps, state: WidgetErrorBoundaryState): Partial<WidgetErrorBoundaryState> | null {
    const changed =
      props.resetKeys.length !== state.resetKeys.length || props.resetKeys.some((key, i) => !Object.is(key, state.resetKeys[i]));
    if (!changed) return null;
    return { resetKeys: props.resetKeys, error: null };
  }

  override componentDidCatch(error: Error, info: ErrorInfo): void {
    try {
      this.props.onError?.(error, info);
    } catch {
      // A failing error reporter must not take the dashboard down with it.
    }
  }

  override render(): ReactNode {
    const { error } = this.state;
    if (!error) return this.props.children;
    return (
      <div className="pb-widget-error" role="alert">
        <svg viewBox="0 0 24 24" className="pb-widget-error__icon" aria-hidden="true">
          <path d="M12 3l10 18H2zM12 10v5M12 18v.5" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round" />
        </svg>
        <div className="pb-widget-error__title">This widget failed to render</div>
        <div className="pb-widget-error__message">{error.message || 'Unknown error'}</div>
      </div>
    );
  }
}
