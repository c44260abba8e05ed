import { randomUUID } from 'node:crypto';

import type { SimEnvironment, TestBed } from '@dataverse-s2s/testbed';

import { type ClosableDataverseClient, createDataverseClient } from '../../src/lib/dataverse';
import { silentLogger } from '../../src/lib/util';

/**
 * What a child process needs to reach one simulated environment: its URL and a bearer token
 * the parent minted from the bed's token authority (no Entra round trip in the measured code,
 * and the same token for every client compared).
 */
export interface EnvironmentConnection {
  readonly name: string;
  readonly url: string;
  readonly tenantId: string;
  readonly token: string;
}

/** A one-hour token for the bed's app registration on `environment`. */
export function connectionTo(bed: TestBed, environment: SimEnvironment): EnvironmentConnection {
  const { token } = bed.entra.tokens.issue({
    tenantId: environment.tenantId,
    audience: environment.url,
    appId: bed.ids.clientId,
    objectId: randomUUID(),
    lifetimeSeconds: 3600,
  });
  return { name: environment.name, url: environment.url, tenantId: environment.tenantId, token };
}

/** This project's Dataverse client for a connection, with production defaults. */
export function projectClient(connection: EnvironmentConnection): ClosableDataverseClient {
  return createDataverseClient({
    environment: {
      name: connection.name,
      url: connection.url,
      tenantId: connection.tenantId,
      tables: [{ logicalName: 'account' }],
    },
    logger: silentLogger,
    getToken: () => Promise.resolve(connection.token),
  });
}
