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

/** A checkpoint of a never-synced environment. */
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
  columns: readonly string[],
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
  return planFullRound(checkpoint, columns, nowIso);
}

/**
 * A full round always takes a generation newer than any the mirror may hold (including that
 * of an abandoned full round, or of rounds whose checkpoint was lost), so the sweep after it is
 * the same for a first load, a forced resync, a new shape and recovery from an expired token.
 */
export function planFullRound(
  checkpoint: SyncCheckpoint,
  columns: readonly string[],
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
    start: { kind: 'full', entitySet: 'accounts', select: columns },
  };
}
