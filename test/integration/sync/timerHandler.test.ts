import { InvocationContext, type Timer } from '@azure/functions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { accountSync } from '../../../src/functions/accountSync';
import { NO_DIFFERENCE } from './mirror';
import { startSyncBed, type SyncBed } from './syncBed';

/**
 * The real timer function, as the Functions host calls it: settings from process.env, the
 * process-wide shared runtime, every configured environment in one invocation. One
 * environment's failure fails the invocation with its name, after the others finished.
 */
let sync: SyncBed;
const savedEnvironment = { ...process.env };

beforeAll(async () => {
  sync = await startSyncBed({
    environments: [
      { name: 'contoso', accounts: { count: 500, seed: 61 } },
      { name: 'adatum', accounts: { count: 300, seed: 62 } },
    ],
  });
  Object.assign(process.env, sync.settings({ ACCOUNT_SYNC_TABLE_NAME: 'mirrorTimer' }));
});

afterAll(async () => {
  for (const key of Object.keys(process.env)) {
    if (!(key in savedEnvironment)) Reflect.deleteProperty(process.env, key);
  }
  Object.assign(process.env, savedEnvironment);
  await sync.stop();
});

const timer: Timer = {
  isPastDue: false,
  schedule: { adjustForDST: false },
  scheduleStatus: {
    last: '2030-01-01T00:00:00.000Z',
    next: '2030-01-01T00:05:00.000Z',
    lastUpdated: '2030-01-01T00:00:00.000Z',
  },
};

/** An invocation context whose log lines go to the file's collector (and leak scan). */
function invocation(id: string): InvocationContext {
  return new InvocationContext({
    invocationId: id,
    functionName: 'accountSync',
    logHandler: (level, ...args) => {
      sync.visible.add(`log:${level}`, args.map(String).join(' '));
    },
  });
}

describe('accountSync timer function', () => {
  it('syncs every configured environment into the mirror table', async () => {
    await expect(accountSync(timer, invocation('run-1'))).resolves.toBeUndefined();

    expect(await sync.tableDiff('contoso', 'mirrorTimer')).toEqual(NO_DIFFERENCE);
    expect(await sync.tableDiff('adatum', 'mirrorTimer')).toEqual(NO_DIFFERENCE);
    for (const name of ['contoso', 'adatum']) {
      expect((await sync.checkpoint(name))?.deltaLink).toContain('$deltatoken=');
      expect(
        sync.visible.logLines().filter((line) => line.includes(`account sync ${name}: synced`)),
      ).toHaveLength(1);
    }
  });

  it('throws naming the failing environment; the other environment still completes', async () => {
    const contoso = sync.environment('contoso');
    const adatum = sync.environment('adatum');
    const ids = [...contoso.allAccounts()].map((row) => row.accountid);
    contoso.createAccount({ name: 'Created before the failing run' });
    contoso.updateAccount(ids[1] ?? '', { name: 'Updated before the failing run' });
    contoso.deleteAccount(ids[2] ?? '');
    // adatum's application user is gone: every Dataverse call there answers 403.
    adatum.removeApplicationUser(sync.bed.ids.clientId);
    const adatumBefore = await sync.checkpoint('adatum');

    const failure: unknown = await accountSync(timer, invocation('run-2')).then(
      () => undefined,
      (error: unknown) => error,
    );

    expect(failure).toBeInstanceOf(Error);
    const message = (failure as Error).message;
    sync.visible.add('error:accountSync', message); // the host logs it: scanned for leaks too
    expect(message).toMatch(/^Account sync failed for 1 of 2 environment\(s\): adatum: failed — /);
    expect(message).not.toContain('contoso');
    expect(message).toContain('application user'); // the operator's fix travels with it
    expect(await sync.tableDiff('contoso', 'mirrorTimer')).toEqual(NO_DIFFERENCE);
    const adatumAfter = await sync.checkpoint('adatum');
    expect(adatumAfter?.deltaLink).toBe(adatumBefore?.deltaLink);
    expect(adatumAfter?.lastError).toMatch(/application user/); // the cause, with its fix
    expect((await sync.checkpoint('contoso'))?.lastError).toBeUndefined();
  });

  it('no planted or issued secret appears in any log line or error of this file', () => {
    expect(sync.leaks()).toEqual([]);
  });
});
