import { resolve } from 'node:path';

import { describe, expect, it } from 'vitest';

import { loadMainRegistrations } from '../support/loadMain';

/** Loads the compiled `main` (npm test builds first) as the Functions host would. */
describe('function registration', () => {
  it('registers exactly health (GET, function key), syncDispatch (timer from the setting) and syncJob (the job queue)', async () => {
    const registrations = await loadMainRegistrations(resolve(__dirname, '..', '..'));
    expect(registrations.map((r) => r.name).sort()).toEqual(['health', 'syncDispatch', 'syncJob']);

    const healthTrigger = Object.values(
      registrations.find((r) => r.name === 'health')?.bindings ?? {},
    ).find((b) => b.type === 'httpTrigger');
    expect(healthTrigger).toMatchObject({
      methods: ['GET'],
      authLevel: 'function',
      route: 'health',
      direction: 'in',
    });

    const timer = Object.values(
      registrations.find((r) => r.name === 'syncDispatch')?.bindings ?? {},
    ).find((b) => b.type === 'timerTrigger');
    expect(timer).toMatchObject({
      schedule: '%SYNC_SCHEDULE%',
      runOnStartup: false,
      direction: 'in',
    });

    // The queue the dispatcher writes to, in the storage account the host itself uses.
    const queue = Object.values(
      registrations.find((r) => r.name === 'syncJob')?.bindings ?? {},
    ).find((b) => b.type === 'queueTrigger');
    expect(queue).toMatchObject({
      queueName: 'dataverse-sync-jobs',
      connection: 'AzureWebJobsStorage',
      direction: 'in',
    });
  });
});
