import type { ClientStats } from '../dataverse';
import { jobKey } from './jobs';
import type { RoundKind, SinkPageResult, SyncJob, TableSyncResult } from './types';

/** Counters of one job's run; owned by that run only. */
export class RunCounters {
  pages = 0;
  rows = 0;
  created = 0;
  updated = 0;
  deleted = 0;
  skipped = 0;
  swept = 0;
  rejected = 0;
  checkpointMoved = false;
  expiredTokenRecovered = false;
  roundKind: RoundKind | undefined;
  generation: number | undefined;
  private lastProgressAt: number;
  private pagesAtLastProgress = 0;

  constructor(
    private readonly startedAt: number,
    private readonly statsAtStart: ClientStats,
  ) {
    this.lastProgressAt = startedAt;
  }

  addPage(rows: number, result: SinkPageResult): void {
    this.pages += 1;
    this.rows += rows;
    this.created += result.created;
    this.updated += result.updated;
    this.deleted += result.deleted;
    this.skipped += result.skipped;
    this.rejected += result.rejected?.length ?? 0;
  }

  /** A progress line when `everyPages` pages or `everyInMs` passed since the last one. */
  progressLine(
    job: string,
    now: number,
    everyPages: number,
    everyInMs: number,
  ): string | undefined {
    if (
      this.pages - this.pagesAtLastProgress < everyPages &&
      now - this.lastProgressAt < everyInMs
    ) {
      return undefined;
    }
    this.pagesAtLastProgress = this.pages;
    this.lastProgressAt = now;
    const seconds = Math.max((now - this.startedAt) / 1000, 0.001);
    return (
      `sync ${job}: ${this.roundKind ?? ''} round, generation ${String(this.generation)}: ` +
      `${this.pages} pages, ${this.rows} rows, ${Math.round(this.rows / seconds)} rows/s`
    );
  }

  result(
    job: SyncJob,
    outcome: TableSyncResult['outcome'],
    now: number,
    statsAtEnd: ClientStats,
    error?: string,
  ): TableSyncResult {
    return {
      environment: job.environment,
      table: job.table,
      outcome,
      roundKind: this.roundKind,
      generation: this.generation,
      pages: this.pages,
      rows: this.rows,
      created: this.created,
      updated: this.updated,
      deleted: this.deleted,
      skipped: this.skipped,
      swept: this.swept,
      rejected: this.rejected,
      checkpointMoved: this.checkpointMoved,
      expiredTokenRecovered: this.expiredTokenRecovered,
      throttledResponses: statsAtEnd.throttledResponses - this.statsAtStart.throttledResponses,
      throttledWaitInMs: statsAtEnd.throttledWaitInMs - this.statsAtStart.throttledWaitInMs,
      durationInMs: now - this.startedAt,
      ...(error === undefined ? {} : { error }),
    };
  }
}

/** The one summary line per job and run. */
export function summaryLine(result: TableSyncResult): string {
  const round =
    result.roundKind === undefined
      ? ''
      : ` (${result.roundKind} round, generation ${String(result.generation)})`;
  const swept = result.swept === -1 ? 'sweep sent' : `swept ${result.swept}`;
  const recovered = result.expiredTokenRecovered ? '; delta token had expired, full resync' : '';
  const rejected =
    result.rejected === 0 ? '' : `, rejected ${result.rejected} (too large for the target)`;
  const error = result.error === undefined ? '' : `; error: ${result.error}`;
  return (
    `sync ${jobKey(result)}: ${result.outcome}${round} in ${(result.durationInMs / 1000).toFixed(1)} s` +
    ` — created ${result.created}, updated ${result.updated}, deleted ${result.deleted}, skipped ${result.skipped}${rejected}, ${swept};` +
    ` ${result.pages} pages, ${result.rows} rows; throttled ${result.throttledResponses} times, waited ${result.throttledWaitInMs} ms;` +
    ` checkpoint ${result.checkpointMoved ? 'moved' : 'not moved'}${recovered}${error}`
  );
}
