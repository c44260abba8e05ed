import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { TestCertificates } from '../../src/tls';

/**
 * The run's CA and server certificate written by test/globalSetup.ts. Workers trust that CA
 * through NODE_EXTRA_CA_CERTS, so stand-ins must serve exactly this certificate.
 */
export function loadRunCertificates(): TestCertificates {
  const directory = process.env.TESTBED_CERT_DIR;
  if (directory === undefined) throw new Error('TESTBED_CERT_DIR is not set: run through vitest');
  return {
    caCertPem: readFileSync(join(directory, 'ca.pem'), 'utf8'),
    serverCertPem: readFileSync(join(directory, 'server.pem'), 'utf8'),
    serverKeyPem: readFileSync(join(directory, 'server-key.pem'), 'utf8'),
  };
}

/** Tenant ids used across the identity fidelity tests. */
export const TENANT_A = '11111111-1111-4111-8111-111111111111';
export const TENANT_B = '22222222-2222-4222-8222-222222222222';
export const UNKNOWN_TENANT = '99999999-9999-4999-8999-999999999999';
export const DATAVERSE_SCOPE = 'https://contoso.crm.dynamics.com/.default';
export const DATAVERSE_RESOURCE = 'https://contoso.crm.dynamics.com';

/** Remembers the given environment variables; the returned function restores them (unset stays unset). */
export function snapshotEnv(names: string[]): () => void {
  const saved = new Map(names.map((name) => [name, process.env[name]]));
  return () => {
    for (const [name, value] of saved) {
      if (value === undefined) Reflect.deleteProperty(process.env, name);
      else process.env[name] = value;
    }
  };
}

/** Awaits a promise that must reject and returns the rejection as an Error. */
export async function errorOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error: unknown) {
    if (error instanceof Error) return error;
    throw new Error(`rejected with a non-Error: ${String(error)}`);
  }
  throw new Error('expected the promise to reject, but it resolved');
}
