import { describeError, IntegrationError } from '../errors';
import { type Logger, withTimeout } from '../util';
import { failureSummary } from './failureOutput';
import type { HealthService } from './healthService';
import { HEALTH_MEDIA_TYPE, type HealthReport, httpStatusFor } from './types';

/** What an HTTP trigger returns: kept free of @azure/functions so src/lib stays host-agnostic. */
export interface HealthHttpResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/** How the endpoint answers a startup failure. */
export interface HealthResponseOptions {
  /**
   * HEALTH_DETAILED_ERRORS: a startup failure is described in full in the body, not only in the
   * log. (The health service's own checks follow the runtime's settings.)
   */
  readonly detailedErrors: boolean;
  /**
   * The poll's whole budget: starting the app (on the first poll) and the check together.
   * Default {@link STARTUP_BUDGET_IN_MS}.
   */
  readonly startupBudgetInMs?: number;
}

/**
 * How long a poll waits for the app to start (the health service comes with the runtime). The
 * start reads Key Vault through the managed identity, whose SDK retries can outlast a poller's
 * timeout; the health check itself has its own budget once the runtime exists.
 */
const STARTUP_BUDGET_IN_MS = 20_000;

/** The failure a poll reports when the start has not finished within its budget. */
function startupTimeout(budgetInMs: number): never {
  throw new IntegrationError(`The app did not finish starting within ${budgetInMs} ms`, {
    step: 'startup',
    code: 'StartupTimeout',
    retryable: true,
    hint: 'Starting reads the credential from Key Vault with the managed identity: check that KEY_VAULT_URL is reachable (private endpoint, firewall, DNS) and the identity endpoint answers; the start goes on in the background and the next poll reports its outcome.',
  });
}

/**
 * The health report, or — when the app cannot even start (bad settings, Key Vault unreadable) —
 * a failing report that names the step (and, with `detailedErrors`, the fix), so the poller
 * always gets health+json. The full description is logged on every failed start.
 */
export async function healthReportOrStartupFailure(
  getHealth: () => Promise<HealthService>,
  logger: Logger,
  options: HealthResponseOptions,
): Promise<HealthReport> {
  const budgetInMs = options.startupBudgetInMs ?? STARTUP_BUDGET_IN_MS;
  // One deadline for the whole poll: a slow start leaves the check only what remains of it.
  const deadlineAt = Date.now() + budgetInMs;
  try {
    const health = await withTimeout(getHealth(), budgetInMs, () => startupTimeout(budgetInMs));
    return await health.current({ deadlineAt });
  } catch (error) {
    const time = new Date().toISOString();
    const detail = describeError(error);
    logger.error(`Health check could not start at ${time}: ${detail}`);
    const output = options.detailedErrors ? detail : failureSummary(error, 'app', time);
    return {
      status: 'fail',
      description: 'Dataverse S2S integration: the app could not start',
      time,
      checks: { 'app:startup': [{ componentId: 'app', status: 'fail', time, output }] },
      output,
    };
  }
}

export async function healthResponse(
  getHealth: () => Promise<HealthService>,
  logger: Logger,
  options: HealthResponseOptions,
): Promise<HealthHttpResponse> {
  const report = await healthReportOrStartupFailure(getHealth, logger, options);
  return {
    status: httpStatusFor(report.status),
    // no-store: the app caches for HEALTH_CACHE_SECONDS itself; a proxy cache would hide a recovery.
    headers: { 'Content-Type': HEALTH_MEDIA_TYPE, 'Cache-Control': 'no-store' },
    body: JSON.stringify(report),
  };
}
