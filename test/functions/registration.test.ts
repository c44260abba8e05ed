import { resolve } from 'node:path';

import { describe, expect, it } from 'vitest';

import { loadMainRegistrations } from '../support/loadMain';

/** Loads the compiled `main` (npm test builds first) as the Functions host would. */
describe('function registration', () => {
  it('registers exactly health (GET, function key) and accountSync (timer from the setting)', async () => {
    const registrations = await loadMainRegistrations(resolve(__dirname, '..', '..'));
    expect(registrations.map((r) => r.name).sort()).toEqual(['accountSync', 'health']);

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
      registrations.find((r) => r.name === 'accountSync')?.bindings ?? {},
    ).find((b) => b.type === 'timerTrigger');
    expect(timer).toMatchObject({
      schedule: '%SYNC_SCHEDULE%',
      runOnStartup: false,
      direction: 'in',
    });
  });
});
