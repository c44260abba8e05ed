import { createServer } from 'node:net';

import { startTestBed, type TestBed, type TestBedOptions } from '@dataverse-s2s/testbed';
import { expect } from 'vitest';

import { type HealthCheckResult, type HealthReport, healthResponse } from '../../../src/lib/health';
import {
  createRuntime,
  logStartupFailure,
  memoizeRuntime,
  type Runtime,
} from '../../../src/lib/runtime';
import { healthDetailedErrorsRequested } from '../../../src/lib/settings';
import { findLeaks, findSecretShapes, type Leak, VisibleOutput } from '../support/leakScan';

/** What the HTTP trigger would return, parsed: status, media type and the health+json report. */
export interface HealthCall {
  readonly status: number;
  readonly contentType: string | undefined;
  readonly cacheControl: string | undefined;
  readonly report: HealthReport;
  readonly body: string;
}

/** Options of one runtime built against the bed. */
export interface RuntimeChoice {
  /** App settings laid over the bed's (e.g. HEALTH_CACHE_SECONDS, DATAVERSE_ENVIRONMENTS). */
  readonly overrides?: Record<string, string>;
  readonly healthTimeoutInMs?: number;
  /** Key Vault re-read and current-version recheck interval (default 1 hour). */
  readonly keyVaultRefreshIntervalInMs?: number;
}

/** A memoised runtime getter, as the Functions app holds it (dropped again when it rejects). */
export interface RuntimeGetter {
  (): Promise<Runtime>;
  /** The settings it builds from, which the health call reads HEALTH_DETAILED_ERRORS from too. */
  readonly source: Record<string, string>;
}

/** Overrides that turn on the detailed health body (HEALTH_DETAILED_ERRORS=true). */
export const DETAILED = { HEALTH_DETAILED_ERRORS: 'true' } as const;

/** One test bed per test file, plus the real health path wired to it and a leak collector. */
export interface HealthBed {
  readonly bed: TestBed;
  readonly visible: VisibleOutput;
  /** The bed's app settings and process environment with `overrides` on top. */
  settings(overrides?: Record<string, string>): Record<string, string>;
  /** A fresh runtime (its own credentials, token caches, Dataverse clients, health cache). */
  runtime(choice?: RuntimeChoice): RuntimeGetter;
  /**
   * Calls healthResponse exactly as the HTTP function does (HEALTH_DETAILED_ERRORS read from the
   * runtime's settings) and records the body for the scan.
   */
  health(getRuntime: RuntimeGetter): Promise<HealthCall>;
  /** Every planted or issued secret (plus `extra`) found in the collected logs and bodies. */
  leaks(extra?: readonly string[]): Leak[];
  stop(): Promise<void>;
}

const PROCESS_VARIABLES = ['IDENTITY_ENDPOINT', 'IDENTITY_HEADER'] as const;

/**
 * Starts the test bed (with Azurite, so the last-sync check reads real checkpoints) and points
 * the process's managed identity variables at it. One per test file: MSAL keeps managed
 * identity tokens in a process-wide static cache keyed by resource, so a second bed (a new
 * signing key) in the same process would meet tokens signed by the first one.
 */
export async function startHealthBed(options: TestBedOptions = {}): Promise<HealthBed> {
  const saved = PROCESS_VARIABLES.map((name) => [name, process.env[name]] as const);
  const bed = await startTestBed({ azurite: true, ...options });
  const environment = bed.processEnvironment();
  for (const name of PROCESS_VARIABLES) process.env[name] = environment[name];
  const visible = new VisibleOutput();
  const logger = visible.logger();

  const settings = (overrides: Record<string, string> = {}): Record<string, string> => ({
    ...bed.appSettings(),
    ...environment,
    ...overrides,
  });

  return {
    bed,
    visible,
    settings,
    runtime(choice: RuntimeChoice = {}): RuntimeGetter {
      const source = settings(choice.overrides);
      const memo = memoizeRuntime(async () => {
        try {
          return await createRuntime({
            source,
            logger,
            ...(choice.healthTimeoutInMs === undefined
              ? {}
              : { healthTimeoutInMs: choice.healthTimeoutInMs }),
            ...(choice.keyVaultRefreshIntervalInMs === undefined
              ? {}
              : { keyVaultRefreshIntervalInMs: choice.keyVaultRefreshIntervalInMs }),
          });
        } catch (error) {
          logStartupFailure(logger, error);
          throw error;
        }
      });
      return Object.assign(() => memo.get(), { source });
    },
    async health(getRuntime: RuntimeGetter): Promise<HealthCall> {
      const response = await healthResponse(async () => (await getRuntime()).health, logger, {
        detailedErrors: healthDetailedErrorsRequested(getRuntime.source),
      });
      visible.add(`body:${String(response.status)}`, response.body);
      return {
        status: response.status,
        contentType: response.headers['Content-Type'],
        cacheControl: response.headers['Cache-Control'],
        report: JSON.parse(response.body) as HealthReport,
        body: response.body,
      };
    },
    leaks(extra: readonly string[] = []): Leak[] {
      const shapes = findSecretShapes(visible.texts).map(({ source }) => ({
        secret: 'Authorization header or PEM private key',
        source,
        before: '',
      }));
      return [...findLeaks(visible.texts, [...bed.plantedSecrets(), ...extra]), ...shapes];
    },
    async stop(): Promise<void> {
      for (const [name, value] of saved) {
        if (value === undefined) Reflect.deleteProperty(process.env, name);
        else process.env[name] = value;
      }
      await bed.stop();
    },
  };
}

/** The one result of a check key, failing loudly (with the keys present) when it is missing. */
export function checkOf(report: HealthReport, key: string): HealthCheckResult {
  const result = report.checks[key]?.[0];
  if (result === undefined) {
    throw new Error(
      `no check '${key}' in the report; present: ${Object.keys(report.checks).join(', ')}`,
    );
  }
  return result;
}

/** Check keys with their statuses, e.g. `{ 'contoso:token': 'pass', ... }`, for whole-report assertions. */
export function statusesOf(report: HealthReport): Record<string, string> {
  return Object.fromEntries(
    Object.entries(report.checks).map(([key, results]) => [key, results[0]?.status ?? 'missing']),
  );
}

/** The environments setting with `change` applied to each entry (e.g. a wrong url). */
export function environmentsSetting(
  bed: TestBed,
  change: (entry: { name: string; url: string; tenantId: string }) => {
    name: string;
    url: string;
    tenantId: string;
  },
): string {
  return JSON.stringify(
    bed.dataverse.environments.map((environment) =>
      change({ name: environment.name, url: environment.url, tenantId: environment.tenantId }),
    ),
  );
}

/** A loopback port nothing listens on (taken from the OS, then released). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => {
    server.close(() => {
      resolve();
    });
  });
  if (address === null || typeof address === 'string') throw new Error('no port assigned');
  return address.port;
}

/** Access tokens the bed's Entra issued for `audience` (a Dataverse environment URL). */
export function tokensIssuedFor(bed: TestBed, audience: string): number {
  return bed.entra.tokensIssued.filter((record) => record.audience === audience).length;
}

/**
 * The file's leak scan: every log line and response body collected so far holds none of the
 * bed's planted or issued secrets (plus `extra`). Asserts first that there was something to scan.
 */
export function expectNoLeaks(health: HealthBed, extra: readonly string[] = []): void {
  const sources = health.visible.texts.map((text) => text.source);
  expect(sources.some((source) => source.startsWith('body:'))).toBe(true);
  expect(sources.some((source) => source.startsWith('log:'))).toBe(true);
  // The issued tokens (Dataverse, Key Vault, managed identity) are part of the list.
  expect(health.bed.entra.tokens.issued.length).toBeGreaterThan(1);
  expect(health.leaks(extra)).toEqual([]);
}

/**
 * What the default health body must not say to anyone with a function key: the vault URL, the
 * secret's name, the identity's object and client ids, the tenants, an `az` command. Failures
 * say where they happened and where to look; the function's log has the rest.
 */
export function expectNoOperatorDetail(call: HealthCall, bed: TestBed): void {
  const details = [
    bed.keyVault.url,
    new URL(bed.keyVault.url).host,
    bed.ids.credentialName,
    bed.ids.managedIdentityObjectId,
    bed.ids.managedIdentityClientId,
    bed.ids.homeTenantId,
    bed.ids.customerTenantId,
    'az ',
  ];
  expect(details.filter((detail) => call.body.includes(detail))).toEqual([]);
}

/**
 * The log line a failing check's summary points to ("the function's log at <time>"), which the
 * check run wrote once, however often the cached report is read since. Returns its detail.
 */
export function loggedDetailOf(health: HealthBed, call: HealthCall, key: string): string {
  const check = checkOf(call.report, key);
  const verb = check.status === 'fail' ? 'failed' : 'warned';
  const prefix = `Health check ${key} ${verb} at ${check.time}: `;
  const lines = health.visible
    .logLines()
    .map((line) => line.slice(line.indexOf(': ') + 2))
    .filter((message) => message.startsWith(prefix));
  expect(lines).toHaveLength(1);
  return (lines[0] ?? '').slice(prefix.length);
}

/** The same for a start that failed: the line logged at the time app:startup points to. */
export function loggedStartupDetailOf(health: HealthBed, call: HealthCall): string {
  const output = checkOf(call.report, 'app:startup').output ?? '';
  const time = /the function's log at (\S+), or run dataverse-s2s doctor\.$/.exec(output)?.[1];
  expect(time, output).toBeDefined();
  const prefix = `error: Health check could not start at ${time ?? ''}: `;
  const lines = health.visible.logLines().filter((line) => line.startsWith(prefix));
  expect(lines).toHaveLength(1);
  return (lines[0] ?? '').slice(prefix.length);
}

/** The default body's words for a failure at `time`: what failed, then where to look. */
export function summaryOf(failed: string, time: string): string {
  return `${failed}. Details and the fix: the function's log at ${time}, or run dataverse-s2s doctor.`;
}
