import { randomUUID } from 'node:crypto';

import { MAX_PAGE_SIZE } from './resourceContext';
import type { TableSeeds } from './tableRegistry';
import type {
  LatencyModel,
  ServiceProtectionLimits,
  SimApplicationUser,
  SimEnvironmentOptions,
} from './types';

/** Dataverse's documented service-protection limits. */
export const DEFAULT_LIMITS: ServiceProtectionLimits = {
  concurrent: 52,
  requestsPerWindow: 6000,
  executionTimeMsPerWindow: 1_200_000,
  windowMs: 300_000,
};

/**
 * x-ms-dop-hint when not configured. Real values vary by environment; 4 is what small
 * environments commonly report and is below the .NET ServiceClient's fallback of 5.
 */
export const DEFAULT_DOP_HINT = 4;

/** Every option resolved once, so no default is applied anywhere else. */
export interface ResolvedEnvironmentOptions {
  name: string;
  tenantId: string;
  organizationId: string;
  businessUnitId: string;
  applicationUsers: Required<SimApplicationUser>[];
  tables: TableSeeds;
  /** The organization's base language (LCID). */
  baseLanguage: number;
  defaultPageSize: number;
  dopHint: number;
  limits: ServiceProtectionLimits;
  latency: LatencyModel;
  changeTokenLifetimeDays: number;
}

export function resolveEnvironmentOptions(
  options: SimEnvironmentOptions,
): ResolvedEnvironmentOptions {
  const defaultPageSize = options.defaultPageSize ?? MAX_PAGE_SIZE;
  if (
    !Number.isInteger(defaultPageSize) ||
    defaultPageSize < 1 ||
    defaultPageSize > MAX_PAGE_SIZE
  ) {
    throw new Error(
      `defaultPageSize of environment '${options.name}' must be an integer in 1..${MAX_PAGE_SIZE}`,
    );
  }
  return {
    name: options.name,
    tenantId: options.tenantId,
    organizationId: options.organizationId ?? randomUUID(),
    businessUnitId: randomUUID(),
    applicationUsers: options.applicationUsers.map((user) => ({
      appId: user.appId,
      enabled: user.enabled ?? true,
    })),
    tables: {
      account: options.accounts ?? { count: 0, seed: 1 },
      contact: options.tables?.contact ?? { count: 0, seed: 1 },
      new_project: {
        count: options.tables?.new_project?.count ?? 0,
        seed: options.tables?.new_project?.seed ?? 1,
        changeTracking: options.tables?.new_project?.changeTracking ?? false,
      },
    },
    baseLanguage: options.baseLanguage ?? 1033,
    defaultPageSize,
    dopHint: options.dopHint ?? DEFAULT_DOP_HINT,
    limits: { ...DEFAULT_LIMITS, ...options.limits },
    latency: { perRequestMs: 0, perRowMs: 0, ...options.latency },
    changeTokenLifetimeDays: options.changeTokenLifetimeDays ?? 7,
  };
}
