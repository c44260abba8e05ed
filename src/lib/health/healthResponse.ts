import { describeError } from '../errors';
import type { Logger } from '../logger';
import type { Runtime } from '../runtime';
import { HEALTH_MEDIA_TYPE, type HealthReport, httpStatusFor } from './types';

/** What an HTTP trigger returns: kept free of @azure/functions so src/lib stays host-agnostic. */
export interface HealthHttpResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/**
 * The health report, or — when the app cannot even start (bad settings, Key Vault unreadable) —
 * a failing report that names the step and the fix, so the poller always gets health+json.
 */
export async function healthReportOrStartupFailure(
  getRuntime: () => Promise<Runtime>,
  logger: Logger,
): Promise<HealthReport> {
  try {
    const runtime = await getRuntime();
    return await runtime.health.current();
  } catch (error) {
    const output = describeError(error);
    logger.error(`Health check could not start: ${output}`);
    const time = new Date().toISOString();
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
  getRuntime: () => Promise<Runtime>,
  logger: Logger,
): Promise<HealthHttpResponse> {
  const report = await healthReportOrStartupFailure(getRuntime, logger);
  return {
    status: httpStatusFor(report.status),
    // no-store: the app caches for HEALTH_CACHE_SECONDS itself; a proxy cache would hide a recovery.
    headers: { 'Content-Type': HEALTH_MEDIA_TYPE, 'Cache-Control': 'no-store' },
    body: JSON.stringify(report),
  };
}
