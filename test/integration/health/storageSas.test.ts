import { randomBytes } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { checkOf, expectNoLeaks, type HealthBed, startHealthBed, statusesOf } from './healthBed';

/**
 * The sync storage reached with a SAS (the connection string's SharedAccessSignature) whose
 * signature storage rejects: the health check's last-sync read and a sync run both fail on
 * storage. The signature is planted, so the file's leak scan (every log line and body) fails
 * if any of those failures quotes it; so does Azurite's account key, planted by the bed.
 */
const SIGNATURE = encodeURIComponent(randomBytes(32).toString('base64'));
let health: HealthBed;

beforeAll(async () => {
  health = await startHealthBed({
    environments: [{ name: 'contoso', accounts: { count: 2, seed: 1 } }],
  });
  health.bed.plantSecret(SIGNATURE);
});

afterAll(async () => {
  await health.stop();
});

function sasConnectionString(): string {
  const azurite = health.bed.azurite;
  if (azurite === undefined) throw new Error('the health bed runs Azurite');
  const sas = `sv=2022-11-02&ss=bt&srt=sco&sp=rwdlacu&se=2030-01-01T00:00:00Z&spr=https,http&sig=${SIGNATURE}`;
  return `BlobEndpoint=${azurite.blobEndpoint};TableEndpoint=${azurite.tableEndpoint};SharedAccessSignature=${sas}`;
}

describe('a storage SAS that storage rejects', () => {
  it('health warns on the last-sync check, a sync run fails, and neither quotes the signature', async () => {
    const getRuntime = health.runtime({
      overrides: { AzureWebJobsStorage: sasConnectionString() },
    });

    const call = await health.health(getRuntime);
    const report = await (await getRuntime()).sync.run({ logger: health.visible.logger() });

    expect(statusesOf(call.report)).toMatchObject({
      'contoso:token': 'pass',
      'contoso:whoAmI': 'pass',
      'contoso/account:lastSync': 'warn',
    });
    expect(checkOf(call.report, 'contoso/account:lastSync').output).toContain('HTTP 403');
    expect(report.results[0]?.outcome).toBe('failed');
    health.visible.add('report:sync', report.results[0]?.error ?? '');
    expect(report.results[0]?.error).toContain('HTTP 403');
  });

  it('leaks no secret, key, token or signature into any log line or response body', () => {
    expect(health.bed.plantedSecrets()).toContain(SIGNATURE);
    expectNoLeaks(health);
  });
});
