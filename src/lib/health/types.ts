/**
 * The IETF "Health Check Response Format for HTTP APIs" draft (media type
 * application/health+json): `status` pass | warn | fail, `checks` keyed by
 * `component:measurement`, each entry with componentId, status, observedValue/Unit, time, output.
 */
export type HealthStatus = 'pass' | 'warn' | 'fail';

export const HEALTH_MEDIA_TYPE = 'application/health+json';

export interface HealthCheckResult {
  readonly componentId: string;
  readonly componentType?: string;
  readonly status: HealthStatus;
  readonly observedValue?: number | string;
  readonly observedUnit?: string;
  readonly time: string;
  /** Why it is not `pass`, and what to do: empty for passing checks, per the draft. */
  readonly output?: string;
  /** Extra facts the draft allows (e.g. WhoAmI's UserId): never secrets. */
  readonly [extra: string]: unknown;
}

export interface HealthReport {
  readonly status: HealthStatus;
  readonly description: string;
  /** When this result was computed (results are cached for HEALTH_CACHE_SECONDS). */
  readonly time: string;
  readonly checks: Readonly<Record<string, readonly HealthCheckResult[]>>;
  readonly output?: string;
}

const severity: Record<HealthStatus, number> = { pass: 0, warn: 1, fail: 2 };

/** The worst of several statuses; `pass` when there are none. */
export function worstStatus(statuses: Iterable<HealthStatus>): HealthStatus {
  let worst: HealthStatus = 'pass';
  for (const status of statuses) if (severity[status] > severity[worst]) worst = status;
  return worst;
}

/** HTTP status the draft prescribes: pass/warn → 200, fail → 503. */
export function httpStatusFor(status: HealthStatus): number {
  return status === 'fail' ? 503 : 200;
}
