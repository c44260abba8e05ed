import { startTestBed, type TestBed, type TestBedEnvironment } from '@dataverse-s2s/testbed';

import { fanOutEnvironments } from './fanOut';
import { EXAMPLE_LATENCY, EXPORT_LATENCY, NO_LATENCY, type Profile } from './profile';

/** Service-protection limits of the throttled environment: a window the sync must wait out. */
export const THROTTLE_LIMITS = { concurrent: 2, requestsPerWindow: 5, windowMs: 2_000 };

/** Environment names, one per purpose; rows are generated lazily, so idle ones cost nothing. */
export const ENV = {
  export: 'export',
  example: 'export-example',
  calibration: 'calibration',
  table: 'table',
  compare: 'compare',
  memorySmall: 'memory-small',
  memoryLarge: 'memory-large',
  throttled: 'throttled',
  unthrottled: 'unthrottled',
  healthA: 'health-a',
  healthB: 'health-b',
} as const;

function environments(profile: Profile): TestBedEnvironment[] {
  const seeded = (count: number, seed: number): { count: number; seed: number } => ({
    count,
    seed,
  });
  return [
    { name: ENV.export, accounts: seeded(profile.exportRows, 1), latency: EXPORT_LATENCY },
    { name: ENV.example, accounts: seeded(profile.exportRows, 1), latency: EXAMPLE_LATENCY },
    { name: ENV.calibration, accounts: seeded(profile.exportRows, 1), latency: NO_LATENCY },
    { name: ENV.table, accounts: seeded(profile.tableRows, 2), latency: EXPORT_LATENCY },
    { name: ENV.compare, accounts: seeded(profile.compareRows, 3), latency: NO_LATENCY },
    { name: ENV.memorySmall, accounts: seeded(profile.memoryRows[0], 4), latency: NO_LATENCY },
    { name: ENV.memoryLarge, accounts: seeded(profile.memoryRows[1], 4), latency: NO_LATENCY },
    {
      name: ENV.throttled,
      accounts: seeded(profile.throttledRows, 5),
      latency: EXAMPLE_LATENCY,
      limits: THROTTLE_LIMITS,
    },
    { name: ENV.unthrottled, accounts: seeded(profile.throttledRows, 5), latency: EXAMPLE_LATENCY },
    { name: ENV.healthA, accounts: seeded(10, 6), latency: EXAMPLE_LATENCY },
    { name: ENV.healthB, tenant: 'customer', accounts: seeded(10, 7), latency: EXAMPLE_LATENCY },
    ...fanOutEnvironments(),
  ];
}

/** The one test bed of a run: every environment above plus Azurite. */
export async function startBenchBed(profile: Profile): Promise<TestBed> {
  return await startTestBed({ azurite: true, environments: environments(profile) });
}
