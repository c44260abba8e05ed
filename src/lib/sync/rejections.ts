import type { RejectedRow } from './types';

/** More are counted but not listed: a checkpoint must stay a small blob. */
export const MAX_LISTED_REJECTIONS = 1000;

/**
 * The rows the target could not hold, as the checkpoint keeps them: by id, with the limit each
 * breaks. An id leaves the list once a later page writes or deletes it; a full round starts
 * the list afresh (it sends every row again). Health warns while the list is not empty.
 */
export interface Rejections {
  readonly rows: Readonly<Record<string, string>>;
  /** True when more rows were rejected than {@link MAX_LISTED_REJECTIONS}. */
  readonly more: boolean;
}

export class RejectionTracker {
  private readonly rows: Map<string, string>;
  private more: boolean;

  constructor(previous: Rejections | undefined) {
    this.rows = new Map(Object.entries(previous?.rows ?? {}));
    this.more = previous?.more ?? false;
  }

  /** A full round sends every row again: what it rejects is the whole list. */
  reset(): void {
    this.rows.clear();
    this.more = false;
  }

  /** After a page: ids it wrote or deleted are fine now; its rejections join the list. */
  record(handled: readonly string[], rejected: readonly RejectedRow[]): void {
    for (const id of handled) this.rows.delete(id);
    for (const { id, reason } of rejected) {
      if (this.rows.has(id) || this.rows.size < MAX_LISTED_REJECTIONS) this.rows.set(id, reason);
      else this.more = true;
    }
  }

  /** The checkpoint's field, or undefined when nothing is rejected. */
  snapshot(): Rejections | undefined {
    if (this.rows.size === 0 && !this.more) return undefined;
    return { rows: Object.fromEntries(this.rows), more: this.more };
  }
}
