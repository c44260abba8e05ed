import type { AccessToken, DataverseTokenProvider } from '../auth';
import type { DataverseClient } from '../dataverse';
import { describeError } from '../errors';
import type { EnvironmentSettings } from '../settings';
import { type Logger, withTimeout } from '../util';
import { credentialExpiryCheck } from './credentialExpiry';
import { credentialVersionCheck } from './credentialVersion';
import { failureSummary, whereToLook } from './failureOutput';
import { lastSyncCheck, type LastSyncFacts } from './lastSync';
import { poisonQueueCheck } from './poisonQueue';
import { scheduleIntervalInMs } from './scheduleInterval';
import { type HealthCheckResult, type HealthReport, worstStatus } from './types';

/** Everything one health check needs; the runtime wires the real parts, tests their own. */
export interface HealthDependencies {
  readonly environments: readonly EnvironmentSettings[];
  readonly tokenProvider: DataverseTokenProvider;
  readonly clientFor: (environment: EnvironmentSettings) => DataverseClient;
  /** Last successful sync of one table of an environment (from its sync checkpoint). */
  readonly lastSync: (environment: EnvironmentSettings, table: string) => Promise<LastSyncFacts>;
  /** Messages in the job queue's poison queue (jobs that failed every attempt). */
  readonly poisonCount?: (signal: AbortSignal) => Promise<number>;
  readonly syncSchedule: string;
  readonly credentialExpiryWarningDays: number;
  /** The whole check's budget: unfinished steps are reported as failed, never waited on. */
  readonly timeoutInMs: number;
  readonly now: () => Date;
  /**
   * HEALTH_DETAILED_ERRORS: a failing check's output is its full description and fix; otherwise
   * only where it failed, its code and status, and where to read the rest (failureOutput.ts).
   */
  readonly detailedErrors: boolean;
  /** Every failure is logged here in full, once per check run (the report is then cached). */
  readonly logger: Logger;
}

/** A recent 429 (within this window) turns the throttling check into a warning. */
const RECENT_THROTTLING_WINDOW_IN_MS = 5 * 60 * 1000;

/**
 * Runs every check once: credential expiry, and per environment token → WhoAmI, recent
 * throttling and the last sync of each table. Steps that have not finished when the timeout fires are reported as
 * failed with the step named, so monitoring never waits on a hung call.
 */
export async function runHealthCheck(input: HealthDependencies): Promise<HealthReport> {
  const margin = Math.min(1_000, Math.floor(input.timeoutInMs / 5));
  const deps: CheckDependencies = {
    ...input,
    clientDeadlineAt: Date.now() + input.timeoutInMs - margin,
  };
  const checks = new Map<string, HealthCheckResult>();
  const pending = new Map<string, PendingStep>();
  const record = (key: string, result: HealthCheckResult): boolean => {
    // A step that answers after the budget ran out was already reported (and logged) as hung.
    if (!pending.has(key)) return false;
    pending.delete(key);
    checks.set(key, result);
    return true;
  };
  const abort = new AbortController();
  const attempts = deps.environments.map((env) => ({
    env,
    token: startToken(deps, env, abort.signal),
  }));
  const work = Promise.all([
    checkPoison(deps, record, pending, abort.signal),
    checkCredential(
      deps,
      record,
      pending,
      attempts.map(({ token }) => token),
    ),
    ...attempts.map(({ env, token }) =>
      checkEnvironment(deps, env, record, pending, token, abort.signal),
    ),
  ]);
  const outcome = await withTimeout(
    work.then(() => 'done' as const),
    deps.timeoutInMs,
    () => 'timeout' as const,
  );
  if (outcome === 'timeout') {
    abort.abort();
    // The throttling check only reads the client's counters: it never waits, so it is judged
    // on its own instead of being reported as hung with the WhoAmI call it follows.
    for (const env of deps.environments) {
      if (pending.has(`${env.name}:throttling`)) recordThrottling(deps, env, record);
    }
    const time = deps.now().toISOString();
    for (const [key, { componentId, waitingFor }] of pending) {
      // A slow checkpoint read says nothing about Dataverse access: it warns, as a storage
      // error does, while a hung token or WhoAmI fails.
      const status = key.endsWith(':lastSync') || key === 'sync:poisonMessages' ? 'warn' : 'fail';
      const budget = `No answer within the health check's ${deps.timeoutInMs} ms budget`;
      const why = 'The service may be hung or throttling this application user';
      const detail = `${budget} (step ${key}, waiting for ${waitingFor}). ${why}.`;
      logFailure(deps, key, status, time, detail);
      checks.set(key, {
        componentId,
        status,
        time,
        output: deps.detailedErrors
          ? `${detail} See the function logs.`
          : `${budget} (step ${key}). ${why}. ${whereToLook(time)}`,
      });
    }
    pending.clear();
  }
  return assemble(checks, deps.now());
}

/** The dependencies plus the deadline of each Dataverse call the check makes. */
interface CheckDependencies extends HealthDependencies {
  readonly clientDeadlineAt: number;
}

/** A step not finished yet: whose it is, and what it waits on (named when the budget runs out). */
interface PendingStep {
  readonly componentId: string;
  readonly waitingFor: string;
}

/** Records a step's result; false when the step was already reported as hung. */
type Record_ = (key: string, result: HealthCheckResult) => boolean;

/** An environment's token request, started at once so that the credential checks can wait for it. */
interface TokenAttempt {
  readonly token: Promise<AccessToken>;
  readonly startedAt: number;
}

function startToken(
  deps: CheckDependencies,
  env: EnvironmentSettings,
  signal: AbortSignal,
): TokenAttempt {
  const startedAt = performance.now();
  return { token: deps.tokenProvider.getToken(env, { signal }), startedAt };
}

async function checkCredential(
  deps: CheckDependencies,
  record: Record_,
  pending: Map<string, PendingStep>,
  tokens: readonly TokenAttempt[],
): Promise<void> {
  const key = 'credential:expiry';
  pending.set(key, {
    componentId: 'credential',
    waitingFor:
      "the credential (Key Vault or local settings) and Entra ID's answers to the token requests",
  });
  try {
    // Which Key Vault version is in use (the current one, or an older one Entra ID accepts) is
    // known only once Entra has answered: both checks judge that version.
    await Promise.allSettled(tokens.map((attempt) => attempt.token));
    const credential = await deps.tokenProvider.describeCredential();
    record(key, credentialExpiryCheck(credential, deps.credentialExpiryWarningDays, deps.now()));
    if (credential.source === 'keyVault') {
      // Known only now (a Key Vault source): registered and recorded in one go.
      pending.set('credential:version', { componentId: 'credential', waitingFor: 'Key Vault' });
      record('credential:version', credentialVersionCheck(credential, deps.now()));
    }
  } catch (error) {
    recordFailure(deps, record, key, 'credential', error);
  }
}

async function checkEnvironment(
  deps: CheckDependencies,
  env: EnvironmentSettings,
  record: Record_,
  pending: Map<string, PendingStep>,
  token: TokenAttempt,
  signal: AbortSignal,
): Promise<void> {
  const url = env.url.replace(/\/+$/, '');
  const waitingFor: Record<string, string> = {
    token: `an Entra ID token for ${url}/.default in tenant ${env.tenantId}`,
    whoAmI: `WhoAmI at ${url}`,
    throttling: `WhoAmI at ${url}`,
  };
  for (const [step, what] of Object.entries(waitingFor))
    pending.set(`${env.name}:${step}`, { componentId: env.name, waitingFor: what });
  for (const { logicalName } of env.tables) {
    pending.set(`${env.name}/${logicalName}:lastSync`, {
      componentId: `${env.name}/${logicalName}`,
      waitingFor: `the sync checkpoint of ${logicalName} in storage`,
    });
  }
  await Promise.all([
    checkDataverse(deps, env, record, token, signal),
    ...env.tables.map(({ logicalName }) => checkLastSync(deps, env, logicalName, record)),
  ]);
}

async function checkDataverse(
  deps: CheckDependencies,
  env: EnvironmentSettings,
  record: Record_,
  token: TokenAttempt,
  signal: AbortSignal,
): Promise<void> {
  try {
    await token.token;
    record(`${env.name}:token`, {
      componentId: env.name,
      componentType: 'Entra ID token',
      status: 'pass',
      observedValue: Math.round(performance.now() - token.startedAt),
      observedUnit: 'ms',
      time: deps.now().toISOString(),
    });
  } catch (error) {
    recordFailure(deps, record, `${env.name}:token`, env.name, error);
    record(`${env.name}:whoAmI`, {
      componentId: env.name,
      status: 'fail',
      time: deps.now().toISOString(),
      output: 'Not attempted: no access token (see the token check).',
    });
    recordThrottling(deps, env, record);
    return;
  }
  const client = deps.clientFor(env);
  try {
    // The client gives up before the check's budget ends, so an unreachable environment is
    // reported with the client's own error (ECONNREFUSED, its fix) every time, not as "hung".
    const who = await client.whoAmI(signal, { deadlineAt: deps.clientDeadlineAt });
    record(`${env.name}:whoAmI`, {
      componentId: env.name,
      componentType: 'Dataverse WhoAmI',
      status: 'pass',
      observedValue: who.latencyInMs,
      observedUnit: 'ms',
      time: deps.now().toISOString(),
      url: env.url,
      userId: who.UserId,
      organizationId: who.OrganizationId,
      ...(who.dopHint === undefined ? {} : { dopHint: who.dopHint }),
    });
  } catch (error) {
    recordFailure(deps, record, `${env.name}:whoAmI`, env.name, error);
  }
  recordThrottling(deps, env, record);
}

function recordThrottling(
  deps: CheckDependencies,
  env: EnvironmentSettings,
  record: Record_,
): void {
  const stats = deps.clientFor(env).stats();
  const now = deps.now();
  const recent =
    stats.lastThrottledAt !== undefined &&
    now.getTime() - stats.lastThrottledAt.getTime() < RECENT_THROTTLING_WINDOW_IN_MS;
  record(`${env.name}:throttling`, {
    componentId: env.name,
    componentType: 'service protection',
    status: recent ? 'warn' : 'pass',
    observedValue: stats.throttledResponses,
    observedUnit: '429 responses since start',
    time: now.toISOString(),
    throttledWaitInMs: stats.throttledWaitInMs,
    ...(recent
      ? {
          output: `Dataverse throttled this application user (429) in the last 5 minutes; work slows down but is not lost. Persistent throttling means other integrations share the user's limits.`,
        }
      : {}),
  });
}

/** The poison queue: jobs that failed every attempt. Warns: the other jobs still run. */
async function checkPoison(
  deps: CheckDependencies,
  record: Record_,
  pending: Map<string, PendingStep>,
  signal: AbortSignal,
): Promise<void> {
  if (deps.poisonCount === undefined) return;
  const key = 'sync:poisonMessages';
  pending.set(key, { componentId: 'sync', waitingFor: 'the poison queue in AzureWebJobsStorage' });
  try {
    const count = await deps.poisonCount(signal);
    record(key, poisonQueueCheck(count, deps.now()));
  } catch (error) {
    recordFailure(deps, record, key, 'sync', error, 'warn');
  }
}

async function checkLastSync(
  deps: CheckDependencies,
  env: EnvironmentSettings,
  table: string,
  record: Record_,
): Promise<void> {
  const componentId = `${env.name}/${table}`;
  const key = `${componentId}:lastSync`;
  try {
    const facts = await deps.lastSync(env, table);
    const now = deps.now();
    const intervalInMs = await scheduleIntervalInMs(deps.syncSchedule, now);
    record(key, lastSyncCheck(componentId, facts, intervalInMs, now, deps.detailedErrors));
  } catch (error) {
    // Storage trouble says nothing about Dataverse access: a warning, not a failure.
    recordFailure(deps, record, key, componentId, error, 'warn');
  }
}

/**
 * A check that threw: answered with the detail or its summary as HEALTH_DETAILED_ERRORS says,
 * and logged in full (by default the only place the detail goes) unless it came too late.
 */
function recordFailure(
  deps: CheckDependencies,
  record: Record_,
  key: string,
  componentId: string,
  error: unknown,
  status: 'warn' | 'fail' = 'fail',
): void {
  const time = deps.now().toISOString();
  const detail = describeError(error);
  const output = deps.detailedErrors ? detail : failureSummary(error, componentId, time);
  if (record(key, { componentId, status, time, output })) {
    logFailure(deps, key, status, time, detail);
  }
}

/** The log line a summary in the body points to ("the function's log at <time>"). */
function logFailure(
  deps: CheckDependencies,
  key: string,
  status: 'warn' | 'fail',
  time: string,
  detail: string,
): void {
  const line = `Health check ${key} ${status === 'fail' ? 'failed' : 'warned'} at ${time}: ${detail}`;
  if (status === 'fail') deps.logger.error(line);
  else deps.logger.warn(line);
}

function assemble(checks: Map<string, HealthCheckResult>, now: Date): HealthReport {
  const grouped: Record<string, HealthCheckResult[]> = {};
  for (const [key, result] of [...checks].sort(([a], [b]) => a.localeCompare(b))) {
    grouped[key] = [result];
  }
  const status = worstStatus([...checks.values()].map((c) => c.status));
  return {
    status,
    description:
      'Dataverse S2S integration: credential, token, WhoAmI per environment and the sync of each table',
    time: now.toISOString(),
    checks: grouped,
  };
}
