import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import {
  type DataverseSimulator,
  type SimEnvironmentOptions,
  startDataverse,
} from '../../src/dataverse';
import { TokenAuthority } from '../../src/tokens';

/** Tenant, app and object ids used by the fidelity tests. */
export const TENANT_ID = '7b7f2a0e-1111-4c3b-9a55-0a1b2c3d4e5f';
export const APP_ID = 'c0ffee00-2222-4d4d-8e8e-123456789abc';
export const OBJECT_ID = '0b1ec700-3333-4e4e-9f9f-abcdefabcdef';

export interface SimulatorFixture {
  sim: DataverseSimulator;
  tokens: TokenAuthority;
  /** A valid bearer token for `url` (defaults: APP_ID in TENANT_ID). */
  tokenFor(
    url: string,
    overrides?: { appId?: string; tenantId?: string; lifetimeSeconds?: number },
  ): string;
}

/** Starts the simulator with the run's test certificates (TESTBED_CERT_DIR). */
export async function startSimulator(
  environments: SimEnvironmentOptions[],
): Promise<SimulatorFixture> {
  const directory = process.env.TESTBED_CERT_DIR;
  if (directory === undefined)
    throw new Error('TESTBED_CERT_DIR is not set: run through vitest (test/globalSetup.ts)');
  const tokens = new TokenAuthority('https://127.0.0.1:1');
  const sim = await startDataverse({
    tls: {
      cert: readFileSync(join(directory, 'server.pem'), 'utf8'),
      key: readFileSync(join(directory, 'server-key.pem'), 'utf8'),
    },
    tokens,
    environments,
  });
  return {
    sim,
    tokens,
    tokenFor: (url, overrides = {}) =>
      tokens.issue({
        tenantId: overrides.tenantId ?? TENANT_ID,
        audience: url,
        appId: overrides.appId ?? APP_ID,
        objectId: OBJECT_ID,
        lifetimeSeconds: overrides.lifetimeSeconds ?? 3600,
      }).token,
  };
}

export function environmentOptions(
  overrides: Partial<SimEnvironmentOptions> = {},
): SimEnvironmentOptions {
  return {
    name: 'contoso',
    tenantId: TENANT_ID,
    applicationUsers: [{ appId: APP_ID }],
    accounts: { count: 25, seed: 7 },
    ...overrides,
  };
}

/** Standard Dataverse request headers plus the bearer token. */
export function apiHeaders(
  token: string,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    Authorization: `Bearer ${token}`,
    Accept: 'application/json',
    'OData-MaxVersion': '4.0',
    'OData-Version': '4.0',
    ...extra,
  };
}

export interface ErrorBody {
  error: { code: string; message: string };
}
