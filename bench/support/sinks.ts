import type { SinkPage, SinkPageResult, SyncSink } from '../../src/lib/sync';

/** A target that accepts every page at once and keeps nothing: the engine's own ceiling. */
export class DiscardingSink implements SyncSink {
  readonly description = 'discard';
  readonly destination = 'discard';
  rows = 0;

  applyPage(page: SinkPage): Promise<SinkPageResult> {
    this.rows += page.upserts.length + page.deletes.length;
    return Promise.resolve({ created: page.upserts.length, updated: 0, deleted: 0, skipped: 0 });
  }

  sweep(): Promise<number> {
    return Promise.resolve(0);
  }
}

/**
 * A target that remembers which accountids arrived (and how often), to prove that a sync lost
 * no row. Holds one string per row: use it for tables of tens of thousands, not millions.
 */
export class CountingSink implements SyncSink {
  readonly description = 'count';
  readonly destination = 'count';
  readonly ids = new Set<string>();
  rowsReceived = 0;

  applyPage(page: SinkPage): Promise<SinkPageResult> {
    for (const row of page.upserts) {
      const id = row.accountid;
      if (typeof id === 'string') this.ids.add(id);
    }
    this.rowsReceived += page.upserts.length;
    return Promise.resolve({ created: page.upserts.length, updated: 0, deleted: 0, skipped: 0 });
  }

  sweep(): Promise<number> {
    return Promise.resolve(0);
  }
}
