import type { ChangeRoundStart } from '../dataverse';
import type { RoundKind, SyncCheckpoint } from './types';

/** The round a run is working on: where it started, where it is, which generation it marks. */
export interface RoundState {
  readonly kind: RoundKind;
  readonly startLink: string | undefined;
  readonly generation: number;
  readonly pagesDone: number;
  readonly rowsDone: number;
  readonly startedAt: string;
  /** What to hand to DataverseClient.changePages to continue this round. */
  readonly start: ChangeRoundStart;
}

/** What a full round reads: the entity set and the wire names to select. */
export interface RoundQuery {
  readonly entitySet: string;
  readonly select: readonly string[];
}

/** A checkpoint of a never-synced job. */
export function emptyCheckpoint(nowIso: string): SyncCheckpoint {
  return { version: 2, generation: 0, lastRunAt: nowIso };
}

/**
 * The generation of a new full round: above the previous one, and at least the clock's time in
 * milliseconds. The clock part is what keeps a round after a lost or damaged checkpoint (which
 * knows no previous generation) above every mark the target holds, so its sweep removes every
 * row it did not see. Milliseconds stay exact in a double (and in JSON) far beyond this century;
 * the table target stores marks as Edm.Double for that reason.
 */
export function nextGeneration(previous: number, nowInMs: number): number {
  return Math.max(previous + 1, Math.floor(nowInMs));
}

/**
 * Where a run starts: a round in progress resumes at its nextLink; else a finished round's
 * deltaLink starts a delta round; else (or when forced, or when a full round died before its
 * first checkpoint) a full round with a new generation.
 */
export function planRound(
  checkpoint: SyncCheckpoint,
  query: RoundQuery,
  forceFull: boolean,
  nowIso: string,
): RoundState {
  const round = checkpoint.round;
  if (round?.nextLink !== undefined && !forceFull) {
    return {
      kind: round.kind,
      startLink: round.startLink,
      generation: round.generation,
      pagesDone: round.pagesDone,
      rowsDone: round.rowsDone,
      startedAt: round.startedAt,
      start: { kind: 'link', url: round.nextLink },
    };
  }
  if (round === undefined && checkpoint.deltaLink !== undefined && !forceFull) {
    return {
      kind: 'delta',
      startLink: checkpoint.deltaLink,
      generation: checkpoint.generation,
      pagesDone: 0,
      rowsDone: 0,
      startedAt: nowIso,
      start: { kind: 'link', url: checkpoint.deltaLink },
    };
  }
  return planFullRound(checkpoint, query, nowIso);
}

/**
 * A full round always takes a generation newer than any the mirror may hold (including that
 * of an abandoned full round, or of rounds whose checkpoint was lost), so the sweep after it is
 * the same for a first load, a forced resync, a new shape and recovery from an expired token.
 */
export function planFullRound(
  checkpoint: SyncCheckpoint,
  query: RoundQuery,
  nowIso: string,
): RoundState {
  const generation = nextGeneration(
    Math.max(checkpoint.generation, checkpoint.round?.generation ?? 0),
    Date.parse(nowIso),
  );
  return {
    kind: 'full',
    startLink: undefined,
    generation,
    pagesDone: 0,
    rowsDone: 0,
    startedAt: nowIso,
    start: { kind: 'full', entitySet: query.entitySet, select: query.select },
  };
}

/**
 * A saved link (deltaLink or nextLink) reading only `select`. Links repeat the $select of the
 * round's first request; after a column stops being copied (removed from the table, or from
 * the configured list) the old $select could name a column Dataverse no longer has, which
 * fails the request. The change token is independent of the columns selected.
 */
export function withSelect(link: string, select: readonly string[]): string {
  // Only the $select value changes: re-serialising the query could re-encode the token.
  return link.replace(/([?&](?:\$|%24)select=)[^&#]*/i, `$1${select.join(',')}`);
}
