import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { delayed, harness, json, type ScriptedServer, startScriptedServer } from './scriptedServer';

const WHO = { UserId: 'u', BusinessUnitId: 'b', OrganizationId: 'o' };

let server: ScriptedServer;
afterEach(async () => {
  await server.stop();
});

describe('concurrency limit from x-ms-dop-hint', () => {
  beforeEach(async () => {
    server = await startScriptedServer(
      delayed(30, json(200, { value: [] }, { 'x-ms-dop-hint': '2' })),
    );
  });

  it('keeps requests in flight at or below the hint once it is known, shared by all callers', async () => {
    const h = harness(server);
    server.script(json(200, WHO, { 'x-ms-dop-hint': '2' }));
    expect((await h.client.whoAmI()).dopHint).toBe(2);
    await Promise.all(Array.from({ length: 10 }, () => h.client.getJson('accounts')));
    expect(server.requests).toHaveLength(11);
    expect(server.peakConcurrency()).toBe(2);
    h.client.close();
  });

  it('uses the initial concurrency until the first hint arrives', async () => {
    const h = harness(server, { initialConcurrency: 3 });
    await Promise.all(Array.from({ length: 9 }, () => h.client.getJson('accounts')));
    expect(server.peakConcurrency()).toBe(3);
    h.client.close();
  });
});

describe('concurrency cap', () => {
  beforeEach(async () => {
    server = await startScriptedServer(
      delayed(30, json(200, { value: [] }, { 'x-ms-dop-hint': '500' })),
    );
  });

  it('never exceeds maxConcurrency even when the hint is larger', async () => {
    const h = harness(server, { initialConcurrency: 1, maxConcurrency: 3 });
    await h.client.getJson('accounts');
    await Promise.all(Array.from({ length: 12 }, () => h.client.getJson('accounts')));
    expect(server.peakConcurrency()).toBe(3);
    h.client.close();
  });
});
