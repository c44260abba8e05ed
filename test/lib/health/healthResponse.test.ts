import { describe, expect, it } from 'vitest';

import { healthReportOrStartupFailure } from '../../../src/lib/health/healthResponse';
import type { HealthService } from '../../../src/lib/health/healthService';
import { silentLogger } from '../../../src/lib/util';

describe('healthReportOrStartupFailure', () => {
  it('answers with a failing app:startup check when the runtime hangs past the budget', async () => {
    const hanging = new Promise<HealthService>(() => undefined);
    const report = await healthReportOrStartupFailure(() => hanging, silentLogger, 20);
    expect(report.status).toBe('fail');
    expect(report.checks['app:startup']?.[0]?.output).toMatch(
      /startup: The app did not finish starting within 20 ms.*Fix: .*KEY_VAULT_URL/,
    );
  });
});
