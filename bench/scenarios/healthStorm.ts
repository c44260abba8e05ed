/**
 * Scenario 5: a polling storm on the health endpoint of an app with two environments in two
 * tenants: every poll must be answered, and the cache plus in-flight coalescing must hold
 * Dataverse to one WhoAmI per environment per HEALTH_CACHE_SECONDS window.
 */
import { ENV } from '../support/bed';
import { runChild } from '../support/child';
import type { BenchContext } from '../support/context';
import { atMost, type Figure, reported, round } from '../support/figures';
import { startHealthServer } from '../support/healthServer';
import { maxInAnyWindow, type StormOutput } from '../support/stormRun';

const SCENARIO = '5 health polling storm';
const REQUESTS_PER_SECOND = 500;
const CACHE_SECONDS = 2;

export async function healthStorm(context: BenchContext): Promise<Figure[]> {
  const { bed, profile } = context;
  const environments = [ENV.healthA, ENV.healthB].map((name) => bed.dataverse.environment(name));
  // The Azure SDK reads the managed-identity endpoint from process.env itself.
  Object.assign(process.env, bed.processEnvironment());
  const server = await startHealthServer({
    ...process.env,
    ...bed.appSettings(),
    DATAVERSE_ENVIRONMENTS: JSON.stringify(
      environments.map((e) => ({ name: e.name, url: e.url, tenantId: e.tenantId })),
    ),
    HEALTH_CACHE_SECONDS: String(CACHE_SECONDS),
  });
  let storm: StormOutput;
  try {
    for (const environment of environments) environment.resetStats();
    context.log(
      `  ${String(REQUESTS_PER_SECOND)} concurrent GET /api/health every second for ${String(profile.stormSeconds)} s, HEALTH_CACHE_SECONDS=${String(CACHE_SECONDS)}`,
    );
    storm = await runChild('healthLoad', {
      url: server.url,
      requestsPerSecond: REQUESTS_PER_SECOND,
      seconds: profile.stormSeconds,
    });
  } finally {
    await server.stop();
  }
  const perEnvironment = environments.map((environment) => {
    const times = environment.requests
      .filter((r) => r.route === 'whoami')
      .map((r) => r.atMs)
      .sort((a, b) => a - b);
    return {
      name: environment.name,
      total: times.length,
      most: maxInAnyWindow(times, CACHE_SECONDS * 1000),
    };
  });
  const worst = Math.max(...perEnvironment.map((e) => e.most));
  const failed = storm.sent - storm.ok;
  context.log(
    `  ${String(storm.ok)}/${String(storm.sent)} answered 200; WhoAmI ${perEnvironment.map((e) => `${e.name} ${String(e.total)}`).join(', ')}`,
  );
  return [
    atMost(
      {
        scenario: SCENARIO,
        figure: `WhoAmI per environment per ${String(CACHE_SECONDS)} s cache window (max)`,
        value: worst,
        unit: 'calls',
        detail: `${perEnvironment.map((e) => `${e.name}: ${String(e.total)} WhoAmI in total`).join('; ')}, over ${String(storm.sent)} polls in ${String(profile.stormSeconds)} s`,
      },
      1,
      '≤ 1',
    ),
    atMost(
      {
        scenario: SCENARIO,
        figure: 'failed polls',
        value: failed,
        unit: `of ${String(storm.sent)}`,
        detail: failed === 0 ? 'every poll answered 200' : JSON.stringify(storm.failures),
      },
      0,
      '0',
    ),
    reported({
      scenario: SCENARIO,
      figure: 'poll latency p50',
      value: round(storm.p50InMs, 1),
      unit: 'ms',
      detail: 'real HTTP on loopback, load generator in its own process',
    }),
    reported({
      scenario: SCENARIO,
      figure: 'poll latency p99',
      value: round(storm.p99InMs, 1),
      unit: 'ms',
      detail: `max ${String(round(storm.maxInMs, 1))} ms`,
    }),
  ];
}
