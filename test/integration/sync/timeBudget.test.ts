import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Runtime } from '../../../src/lib/runtime';
import {
  type SyncSink,
  syncTable,
  type SyncTarget,
  type TableSyncResult,
  WebhookTarget,
} from '../../../src/lib/sync';
import { WebhookReceiver } from '../../lib/sync/webhookReceiver';
import { expectedMirror, mirrorDiff, NO_DIFFERENCE } from './mirror';
import { DEFAULT_SYNC_COLUMNS, startSyncBed, type SyncBed } from './syncBed';

/**
 * The time budget with the real client and simulator. SYNC_MAX_RUN_SECONDS has a
 * floor of 30 s and the runtime pages by 5000, so a budget that bites in a quick test goes
 * through syncTable: the runtime's own Dataverse client, the real storage, small pages,
 * maxRunSeconds 3 and a clock that moves 1 s per applied page (3 pages per run).
 */
const PAGE_SIZE = 100;
const PAGES_PER_RUN = 3;
const TABLE = 'mirrorBudget';

let sync: SyncBed;
let runtime: Runtime;
let receiver: WebhookReceiver;
let webhookUrl: string;

beforeAll(async () => {
  sync = await startSyncBed({
    environments: [
      { name: 'budget-table', accounts: { count: 1000, seed: 51 } },
      { name: 'budget-http', accounts: { count: 1000, seed: 52 } },
    ],
  });
  runtime = await sync.runtime({ SYNC_TABLE_PREFIX: TABLE });
  receiver = new WebhookReceiver();
  webhookUrl = await receiver.start();
});

afterAll(async () => {
  await receiver.stop();
  await sync.stop();
});

/** One budgeted run; returns its result and the page sequences it fetched. */
async function budgetedRun(
  environment: string,
  sink: SyncSink | SyncTarget,
): Promise<{ result: TableSyncResult; sequences: number[] }> {
  const settings = runtime.settings.environments.find((e) => e.name === environment);
  if (settings === undefined) throw new Error(`no environment ${environment}`);
  let clock = Date.parse('2030-01-01T00:00:00Z');
  const sequences: number[] = [];
  const result = await syncTable(
    sync.engineDeps(runtime.clientFor(settings), sink, {
      now: () => clock,
      options: { pageSize: PAGE_SIZE, maxRunSeconds: 3 },
      hooks: {
        afterFetch: ({ sequence }) => {
          sequences.push(sequence);
        },
        afterSinkWrite: () => {
          clock += 1000;
        },
      },
    }),
  );
  return { result, sequences };
}

/**
 * Runs until synced, checking every run continues exactly where the previous one paused;
 * `between` runs after each paused run (source changes while the sync waits for its timer).
 */
async function runUntilSynced(
  environment: string,
  sink: SyncSink | SyncTarget,
  between: () => void = () => undefined,
): Promise<string[]> {
  const outcomes: string[] = [];
  let nextSequence = 0;
  for (let run = 0; run < 20; run += 1) {
    const { result, sequences } = await budgetedRun(environment, sink);
    outcomes.push(`${result.outcome}:${String(result.roundKind)}`);
    // No gap, no replay: this run's first page is the one after the last persisted page.
    expect(sequences[0]).toBe(nextSequence);
    expect(sequences).toEqual(sequences.map((_, i) => nextSequence + i));
    const checkpoint = await sync.checkpoint(environment);
    if (result.outcome === 'synced') {
      expect(checkpoint?.round).toBeUndefined();
      return outcomes;
    }
    expect(result.outcome).toBe('paused');
    expect(result.pages).toBe(PAGES_PER_RUN);
    expect(checkpoint?.round?.pagesDone).toBe(nextSequence + PAGES_PER_RUN);
    nextSequence += PAGES_PER_RUN;
    between();
  }
  throw new Error(`${environment} did not finish in 20 budgeted runs`);
}

/** Changes on both sides of where a paused full round stands, plus creates. */
function changeSource(environment: string, round: number): void {
  const env = sync.environment(environment);
  const ids = [...env.allAccounts()].map((row) => row.accountid);
  env.createAccount({ name: `created in round ${String(round)}` });
  env.updateAccount(ids[5 + round] ?? '', { name: `behind ${String(round)}` });
  env.updateAccount(ids[ids.length - 1 - round] ?? '', { name: `ahead ${String(round)}` });
  env.deleteAccount(ids[100 + round] ?? '');
}

describe('time budget with the real client: paused runs resume with no gap and no duplicate', () => {
  it('table target: a full load over several runs with changes between them, then a delta over 2 runs', async () => {
    const sink = sync.tableSink(TABLE);
    let round = 0;
    const full = await runUntilSynced('budget-table', sink, () => {
      round += 1;
      changeSource('budget-table', round);
    });
    expect(full.length).toBeGreaterThanOrEqual(4);
    expect(full.slice(0, -1).every((outcome) => outcome === 'paused:full')).toBe(true);
    expect(full.at(-1)).toBe('synced:full');

    // Changes made during the full round arrive with the first delta, which itself pauses.
    const env = sync.environment('budget-table');
    const ids = [...env.allAccounts()].map((row) => row.accountid);
    for (const id of ids.slice(0, 450)) env.updateAccount(id, { description: 'bulk edit' });
    expect(await runUntilSynced('budget-table', sink)).toEqual(['paused:delta', 'synced:delta']);
    expect(await sync.tableDiff('budget-table', TABLE)).toEqual(NO_DIFFERENCE);
  });

  it('http target: every id@version delivered once across paused runs', async () => {
    const sink = new WebhookTarget({ url: webhookUrl });
    expect(await runUntilSynced('budget-http', sink)).toEqual([
      'paused:full',
      'paused:full',
      'paused:full',
      'synced:full',
    ]);
    const env = sync.environment('budget-http');
    const ids = [...env.allAccounts()].map((row) => row.accountid);
    for (const id of ids.slice(0, 450)) env.updateAccount(id, { revenue: 1 });
    env.deleteAccount(ids[999] ?? '');
    expect(await runUntilSynced('budget-http', sink)).toEqual(['paused:delta', 'synced:delta']);

    const expected = expectedMirror(env, DEFAULT_SYNC_COLUMNS, 'keep');
    expect(mirrorDiff(expected, receiver.mirror('budget-http'))).toEqual(NO_DIFFERENCE);
    const duplicates = [...receiver.delivered.entries()].filter(([, times]) => times > 1);
    expect(duplicates).toEqual([]);
    expect(receiver.replayedKeys).toBe(0);
  });
});
