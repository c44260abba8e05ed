import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

import { FailureScript, type InjectedFailure, sendJson, startServer } from '../httpServer';
import type { TokenAuthority } from '../tokens';

/** A managed identity assigned to the app: its client (application) id and principal (object) id. */
export interface ManagedIdentityAssignment {
  clientId: string;
  objectId: string;
}

export interface ManagedIdentityOptions {
  tokens: TokenAuthority;
  tenantId: string;
  /** User-assigned identities, selected with `client_id` / `object_id` / `principal_id`. */
  identities: ManagedIdentityAssignment[];
  /** The system-assigned identity, used when the request names none. */
  systemAssigned?: ManagedIdentityAssignment;
  /** Access token lifetime; the platform issues ~24 h tokens. */
  tokenLifetimeInSeconds?: number;
}

/** A running App Service / Functions managed-identity endpoint (api-version 2019-08-01). */
export interface ManagedIdentityEndpoint {
  /** Value for IDENTITY_ENDPOINT, e.g. `http://127.0.0.1:PORT/msi/token`. */
  readonly endpoint: string;
  /** Value for IDENTITY_HEADER: the secret the caller must echo in X-IDENTITY-HEADER. */
  readonly header: string;
  /** Requests received (all outcomes). */
  requestCount(): number;
  /** Answers the next requests with `failure` (e.g. 500 to exercise retries) until cleared or used up. */
  setFailure(failure: InjectedFailure | undefined): void;
  stop(): Promise<void>;
}

const API_VERSION = '2019-08-01';
const TOKEN_PATH = '/msi/token';
const DEFAULT_TOKEN_LIFETIME_IN_SECONDS = 24 * 3600;

/** The platform's error body: `{ statusCode, message, correlationId }`. */
function sendPlatformError(res: ServerResponse, statusCode: number, message: string): void {
  sendJson(res, statusCode, { statusCode, message, correlationId: randomUUID() });
}

/**
 * Starts the managed-identity endpoint on plain http (as the platform serves it to the worker,
 * on a local address), issuing tokens signed by the shared TokenAuthority.
 */
export async function startManagedIdentity(
  options: ManagedIdentityOptions,
): Promise<ManagedIdentityEndpoint> {
  const header = randomBytes(16).toString('hex');
  const failures = new FailureScript();
  const lifetimeInSeconds = options.tokenLifetimeInSeconds ?? DEFAULT_TOKEN_LIFETIME_IN_SECONDS;
  let requests = 0;

  function findIdentity(query: URLSearchParams): ManagedIdentityAssignment | undefined {
    const clientId = query.get('client_id');
    if (clientId !== null) return options.identities.find((i) => i.clientId === clientId);
    const objectId = query.get('object_id') ?? query.get('principal_id');
    if (objectId !== null) return options.identities.find((i) => i.objectId === objectId);
    if (query.get('mi_res_id') !== null) return undefined;
    return options.systemAssigned;
  }

  function handle(req: IncomingMessage, res: ServerResponse): void {
    requests += 1;
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (req.method !== 'GET' || url.pathname !== TOKEN_PATH) {
      sendPlatformError(res, 404, 'Not found.');
      return;
    }
    const sentHeader = req.headers['x-identity-header'];
    if (sentHeader === undefined) {
      sendPlatformError(res, 400, 'The request is missing the X-IDENTITY-HEADER header.');
      return;
    }
    if (sentHeader !== header) {
      sendPlatformError(res, 401, 'Unauthorized. The X-IDENTITY-HEADER header value is not valid.');
      return;
    }
    const failure = failures.take();
    if (failure !== undefined) {
      FailureScript.send(res, failure);
      return;
    }
    const apiVersion = url.searchParams.get('api-version');
    if (apiVersion !== API_VERSION) {
      sendPlatformError(
        res,
        400,
        `The api-version '${apiVersion ?? ''}' is invalid or not supported.`,
      );
      return;
    }
    const resource = url.searchParams.get('resource');
    if (resource === null || resource === '') {
      sendPlatformError(res, 400, 'The resource parameter is required.');
      return;
    }
    const identity = findIdentity(url.searchParams);
    if (identity === undefined) {
      sendPlatformError(
        res,
        400,
        'No User Assigned or Delegated Managed Identity found for specified ClientId/ResourceId/PrincipalId.',
      );
      return;
    }
    const { token, claims } = options.tokens.issue({
      tenantId: options.tenantId,
      audience: resource,
      appId: identity.clientId,
      objectId: identity.objectId,
      lifetimeSeconds: lifetimeInSeconds,
    });
    sendJson(res, 200, {
      access_token: token,
      expires_on: String(claims.exp),
      resource,
      token_type: 'Bearer',
      client_id: identity.clientId,
    });
  }

  const server = await startServer(handle);
  return {
    endpoint: `${server.url}${TOKEN_PATH}`,
    header,
    requestCount: () => requests,
    setFailure: (failure) => {
      failures.set(failure);
    },
    stop: () => server.stop(),
  };
}
