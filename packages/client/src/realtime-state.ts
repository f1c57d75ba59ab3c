import { draftOf, type Dashboard, type FieldConflict, type Layout } from '@pulseboard/model';
import { applyDashboardEventWith, needsMutator, type DashboardEventData, type Position } from '@pulseboard/protocol';
import { mutationRunnerSlot } from './mutation-runner.js';
import { NoticeLog, type NoticeInput } from './notice-log.js';
import type { PendingMutation, SyncNotice } from './types.js';

/** One `dashboard:<id>` event as the state applies it. */
export interface DashboardEvent {
  epoch: string;
  offset: number;
  ts: number;
  data: DashboardEventData;
}

/** What applying one event did. */
export type ApplyResult =
  | { kind: 'applied'; mine: number | null }
  /** Already applied (offset <= last applied): dropped. */
  | { kind: 'stale' }
  /** Missing events before it: dropped; the caller resubscribes from `position`. */
  | { kind: 'gap' }
  /**
   * Another epoch (the log was reset), or an event from before events carried patches while
   * no mutators are installed (see mutation-runner.ts): dropped; the caller reloads a snapshot.
   */
  | { kind: 'epoch' }
  /** No confirmed state yet to apply it to. */
  | { kind: 'unloaded' };

/**
 * One dashboard's optimistic state: the confirmed document (the server's, at `position`),
 * the pending local mutations in order, and the speculative `view` = confirmed with every
 * pending mutation re-run on top (the SAME model mutators the server runs), plus local
 * drag previews. Pure logic and no I/O: the dashboard store feeds it events and acks.
 * Until the mutators are installed (mutation-runner.ts) the view is the confirmed document
 * without the pending edits, rebased again at every read until they are there.
 *
 * Rebase is lazy: `view` is recomputed at most once per read after any change, so a frame
 * of 1,000 confirmed events costs one rebase.
 */
export class RealtimeState {
  readonly dashboardId: string;
  readonly #clientId: () => string;
  readonly #now: () => number;
  #confirmed: Dashboard | null = null;
  #position: Position | null = null;
  #pending: readonly PendingMutation[] = [];
  readonly #notices: NoticeLog;
  readonly #previews = new Map<string, Layout>();
  #view: Dashboard | null = null;
  /**
   * The confirmed document while it is still private (not yet handed out by `confirmed` or
   * a rebase), so further patches may mutate it in place; null once it is shared.
   */
  #draft: Dashboard | null = null;
  #viewValid = true;
  /** Field keys each pending mutation touches (from its last speculative run). */
  #touched = new Map<number, string[]>();

  constructor(options: { dashboardId: string; clientId: () => string; maxNotices?: number; now?: () => number }) {
    this.dashboardId = options.dashboardId;
    this.#clientId = options.clientId;
    this.#now = options.now ?? Date.now;
    this.#notices = new NoticeLog({ max: options.maxNotices ?? 50, now: this.#now });
  }

  get confirmed(): Dashboard | null {
    this.#draft = null;
    return this.#confirmed;
  }

  /** True while a confirmed document is held (false before the first snapshot and after a delete). */
  get hasConfirmed(): boolean {
    return this.#confirmed !== null;
  }

  get position(): Position | null {
    return this.#position;
  }

  get pending(): readonly PendingMutation[] {
    return this.#pending;
  }

  get notices(): readonly SyncNotice[] {
    return this.#notices.list;
  }

  /** The speculative view (rebased now if anything changed since the last read). */
  get view(): Dashboard | null {
    if (!this.#viewValid) this.rebase();
    return this.#view;
  }

  /** Replaces the confirmed state (snapshot or HTTP refresh). `position` null keeps the epoch unknown. */
  reset(doc: Dashboard | null, position: Position | null): void {
    this.#confirmed = doc;
    this.#position = position;
    this.#viewValid = false;
  }

  /** Replaces the pending list (the queue's entries for this dashboard, in order). */
  setPending(pending: readonly PendingMutation[]): void {
    if (pending === this.#pending) return;
    this.#pending = pending;
    this.#viewValid = false;
  }

  /** Shows (or with null, clears) a local drag/resize preview of one widget. */
  setPreview(widgetId: string, layout: Layout | null): void {
    if (layout) this.#previews.set(widgetId, layout);
    else if (!this.#previews.delete(widgetId)) return;
    this.#viewValid = false;
  }

  /**
   * Applies one confirmed event to the confirmed state (not to the view: that is rebased
   * lazily). Returns `mine` when it is this client's own mutation (the caller drops it from
   * the queue). Adds an `overwritten` notice when a remote edit touched a field a pending
   * local edit touches.
   */
  applyEvent(event: DashboardEvent): ApplyResult {
    if (!this.#confirmed || !this.#position) return { kind: 'unloaded' };
    if (event.epoch !== this.#position.epoch) return { kind: 'epoch' };
    if (event.offset <= this.#position.offset) return { kind: 'stale' };
    if (event.offset > this.#position.offset + 1) return { kind: 'gap' };
    const data = event.data;
    const runner = mutationRunnerSlot.runner;
    // No guessing without the mutators: a snapshot from the server includes the event.
    if (!runner && needsMutator(data)) return { kind: 'epoch' };
    this.#position = { epoch: event.epoch, offset: event.offset };
    this.#viewValid = false;
    if (data.kind === 'replace') {
      this.#confirmed = applyDashboardEventWith(this.#confirmed, { offset: event.offset, ts: event.ts, data }, runner);
      if (this.#pending.length > 0) {
        this.addNotice({ kind: 'reset', message: 'the dashboard was replaced as a whole; your pending edits were re-applied on top', fields: [] });
      }
      return { kind: 'applied', mine: null };
    }
    if (data.kind === 'deleted') {
      this.#confirmed = null;
      this.addNotice({ kind: 'deleted', message: `dashboard "${this.dashboardId}" was deleted`, fields: [] });
      return { kind: 'applied', mine: null };
    }
    if (data.patch) {
      // A run of events patches one private draft in place: O(changes) per event, so a
      // frame of 1,000 events costs one copy of the document, not 1,000.
      let draft = this.#draft;
      if (!draft || draft !== this.#confirmed) draft = this.#confirmed = this.#draft = draftOf(this.#confirmed);
      applyDashboardEventWith(draft, { offset: event.offset, ts: event.ts, data }, runner, { inPlace: true });
    } else {
      this.#confirmed = applyDashboardEventWith(this.#confirmed, { offset: event.offset, ts: event.ts, data }, runner);
    }
    const mine = data.clientId === this.#clientId();
    if (mine) {
      if (data.status === 'conflict') this.#conflictNotice(data.mutationId, data.name, data.args, data.conflicts);
      return { kind: 'applied', mine: data.mutationId };
    }
    this.#detectOverwrite(data.touched, data.clientId, data.actor);
    if (data.status === 'conflict') this.#overwrittenNotice(data.touched, data.conflicts, data.clientId, data.actor);
    return { kind: 'applied', mine: null };
  }

  /** Recomputes the view: confirmed + pending (in order) + previews. */
  rebase(): void {
    this.#viewValid = true;
    this.#draft = null;
    let doc = this.#confirmed;
    if (!doc) {
      this.#view = null;
      return;
    }
    const runner = mutationRunnerSlot.runner;
    if (runner) {
      const touched = new Map<number, string[]>();
      const clientId = this.#clientId();
      for (const m of this.#pending) {
        const outcome = runner(doc, m.name, m.args, { clientId, mutationId: m.mutationId });
        doc = outcome.doc;
        touched.set(m.mutationId, outcome.touched);
      }
      this.#touched = touched;
    } else if (this.#pending.length > 0) {
      // The pending edits show once the mutators are installed: the next read rebases again.
      this.#viewValid = false;
    }
    if (this.#previews.size > 0) {
      const widgets = { ...doc.widgets };
      for (const [id, layout] of this.#previews) {
        const widget = widgets[id];
        if (widget) widgets[id] = { ...widget, layout };
      }
      doc = { ...doc, widgets };
    }
    this.#view = doc;
  }

  /** Records a notice (oldest dropped past the limit); returns it. */
  addNotice(input: NoticeInput): SyncNotice {
    return this.#notices.add(this.dashboardId, input);
  }

  /** True when a notice about this mutation (of `kind`) exists already. */
  hasNotice(mutationId: number, kind: SyncNotice['kind']): boolean {
    return this.#notices.has(mutationId, kind);
  }

  dismissNotice(id: string): boolean {
    return this.#notices.dismiss(id);
  }

  /** Adds a `conflict` notice for my mutation, naming who wrote the values I expected. */
  #conflictNotice(mutationId: number, name: string, args: unknown, conflicts: FieldConflict[]): void {
    if (this.hasNotice(mutationId, 'conflict')) return;
    this.conflictNotice({ mutationId, name, args }, conflicts);
  }

  conflictNotice(mutation: { mutationId: number; name: string; args: unknown }, conflicts: FieldConflict[]): void {
    const by = conflicts.find((c) => c.by)?.by;
    const who = by ? (by.name ?? by.clientId) : 'someone';
    const fields = conflicts.map((c) => c.field);
    this.addNotice({
      kind: 'conflict',
      message: `${who} had changed ${fields.join(', ')} before your edit arrived; your edit was applied over it`,
      mutation,
      ...(by ? { by: { clientId: by.clientId, ...(by.name ? { name: by.name } : {}) } } : {}),
      fields,
      conflicts,
    });
  }

  /**
   * Someone else's edit replaced values that I had written (their `expect` named my value):
   * tell me what was overwritten and by whom.
   */
  #overwrittenNotice(touched: string[], conflicts: FieldConflict[], clientId: string, actor: string | undefined): void {
    const me = this.#clientId();
    const mine = conflicts.filter((c) => c.by?.clientId === me);
    if (mine.length === 0) return;
    const fields = touched.filter((key) => mine.some((c) => key.endsWith(`:${c.field}`)));
    const who = actor ?? clientId;
    this.addNotice({
      kind: 'overwritten',
      message: `${who} changed ${mine.map((c) => c.field).join(', ')} after you; your value was overwritten`,
      by: { clientId, ...(actor ? { name: actor } : {}) },
      fields: fields.length > 0 ? fields : mine.map((c) => c.field),
      conflicts: mine,
    });
  }

  #detectOverwrite(remoteTouched: string[], clientId: string, actor: string | undefined): void {
    if (this.#pending.length === 0 || remoteTouched.length === 0) return;
    // Touched keys come from the last rebase; only a mutation added since forces one now.
    if (this.#pending.some((m) => !this.#touched.has(m.mutationId)) && !this.#viewValid) this.rebase();
    const remote = new Set(remoteTouched);
    // A remote delete of a widget collides with any pending edit of that widget.
    const deletedWidgets = remoteTouched.filter((k) => k.endsWith(':deleted')).map((k) => k.slice(0, -'deleted'.length));
    for (const m of this.#pending) {
      const mine = this.#touched.get(m.mutationId) ?? [];
      const fields = mine.filter((k) => remote.has(k) || deletedWidgets.some((prefix) => k.startsWith(prefix)));
      if (fields.length === 0) continue;
      const who = actor ?? clientId;
      // A field edit still pending reaches the server after theirs, so mine wins: a conflict
      // to know about. A deleted widget is different: my edit is lost (overwritten).
      const lost = fields.some((k) => deletedWidgets.some((prefix) => k.startsWith(prefix)));
      const kind = lost ? 'overwritten' : 'conflict';
      if (this.hasNotice(m.mutationId, kind)) continue;
      this.addNotice({
        kind,
        message: lost
          ? `${who} deleted the widget while your edit was on its way`
          : `${who} changed ${fields.join(', ')} while your edit was on its way; yours was applied after theirs`,
        mutation: { mutationId: m.mutationId, name: m.name, args: m.args },
        by: { clientId, ...(actor ? { name: actor } : {}) },
        fields,
      });
    }
  }
}
