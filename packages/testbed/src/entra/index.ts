import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

import {
  FailureScript,
  type InjectedFailure,
  readBody,
  sendJson,
  startServer,
} from '../httpServer';
import type { TestCertificates } from '../tls';
import { TokenAuthority } from '../tokens';
import { EntraDirectory } from './directory';
import { openIdConfiguration, signingKeys } from './discovery';
import { entraError, entraMessages } from './entraErrors';
import { handleTokenRequest, type IssuedTokenRecord } from './tokenRequest';

export type { IssuedTokenRecord } from './tokenRequest';

/** Routes the stand-in counts requests by. */
export type EntraRoute = 'openid-configuration' | 'keys' | 'token' | 'unknown';

export interface EntraOptions {
  tls: TestCertificates;
  /** Lifetime of issued access tokens; Entra's default is 3599 s (MSAL refreshes 5 min early). */
  tokenLifetimeInSeconds?: number;
}

/** A running stand-in for Microsoft Entra ID's v2.0 token service (client credentials only). */
export interface EntraStandIn {
  /** `https://127.0.0.1:PORT`: pass as `authorityHost` with `disableInstanceDiscovery: true`. */
  readonly authorityHost: string;
  /** Signs every access token of the test bed; verifiers (Key Vault, Dataverse) share it. */
  readonly tokens: TokenAuthority;
  addTenant(tenantId: string): void;
  /** Registers an app; its service principal is created in the home tenant at once. */
  registerApp(app: { appId: string; homeTenantId: string; displayName: string }): void;
  addSecret(appId: string, secret: { value: string; expiresOn: Date }): void;
  removeSecret(appId: string, value: string): void;
  /** Registers a certificate (PEM, public part); returns its hex SHA-256 thumbprint. */
  addCertificate(appId: string, certPem: string): string;
  /** Removes a certificate by hex SHA-256 or SHA-1 thumbprint. */
  removeCertificate(appId: string, thumbprintHex: string): void;
  /** A copy of the app's registered secrets and certificates (PEM), e.g. to remove and restore them. */
  credentialsOf(appId: string): {
    secrets: { value: string; expiresOn: Date }[];
    certificates: { certPem: string; thumbprintSha256Hex: string }[];
  };
  /** Admin consent in `tenantId`: creates the service principal; returns its object id. */
  consent(appId: string, tenantId: string): string;
  revokeConsent(appId: string, tenantId: string): void;
  servicePrincipalObjectId(appId: string, tenantId: string): string | undefined;
  /** Every access token issued, oldest first. */
  readonly tokensIssued: readonly IssuedTokenRecord[];
  /** Requests received per route. */
  requestCount(route: EntraRoute): number;
  /** Makes the token endpoint answer with `failure` (e.g. 503, 429) until cleared or used up. */
  setTokenFailure(failure: InjectedFailure | undefined): void;
  stop(): Promise<void>;
}

const DEFAULT_TOKEN_LIFETIME_IN_SECONDS = 3599;

/** Starts the Entra stand-in over HTTPS on 127.0.0.1 with the test bed's server certificate. */
export async function startEntra(options: EntraOptions): Promise<EntraStandIn> {
  const directory = new EntraDirectory();
  const tokensIssued: IssuedTokenRecord[] = [];
  const counts = new Map<EntraRoute, number>();
  const tokenFailures = new FailureScript();
  const tokenLifetimeInSeconds =
    options.tokenLifetimeInSeconds ?? DEFAULT_TOKEN_LIFETIME_IN_SECONDS;
  // The authority needs the server's URL, known only once it listens; requests cannot arrive before.
  const bound: { authorityHost: string; tokens?: TokenAuthority } = { authorityHost: '' };

  const count = (route: EntraRoute): void => {
    counts.set(route, (counts.get(route) ?? 0) + 1);
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { authorityHost, tokens: authority } = bound;
    const url = new URL(req.url ?? '/', authorityHost);
    const segments = url.pathname.split('/').filter((s) => s !== '');
    const tenantId = decodeURIComponent(segments[0] ?? '');
    const rest = segments.slice(1).join('/');
    // MSAL sends its correlation id as the `client-request-id` query parameter; other clients
    // use the header of the same name. Entra echoes either as `correlation_id`.
    const correlationHeader = req.headers['client-request-id'];
    const correlationId =
      url.searchParams.get('client-request-id') ??
      (typeof correlationHeader === 'string' ? correlationHeader : undefined);
    const headers = { 'x-ms-request-id': randomUUID(), 'cache-control': 'no-store, no-cache' };

    if (req.method === 'GET' && rest === 'v2.0/.well-known/openid-configuration') {
      count('openid-configuration');
      if (!directory.hasTenant(tenantId)) {
        const err = entraError({
          error: 'invalid_tenant',
          code: 90002,
          message: entraMessages.tenantNotFound(tenantId),
          authorityHost,
          correlationId,
        });
        sendJson(res, err.status, err.body, headers);
        return;
      }
      sendJson(res, 200, openIdConfiguration(authorityHost, tenantId), headers);
      return;
    }
    if (req.method === 'GET' && rest === 'discovery/v2.0/keys' && authority !== undefined) {
      count('keys');
      sendJson(res, 200, signingKeys(authority), headers);
      return;
    }
    if (req.method === 'POST' && rest === 'oauth2/v2.0/token' && authority !== undefined) {
      count('token');
      const form = new URLSearchParams(await readBody(req));
      const failure = tokenFailures.take();
      if (failure !== undefined) {
        FailureScript.send(res, failure);
        return;
      }
      const result = handleTokenRequest(tenantId, form, {
        directory,
        tokens: authority,
        authorityHost,
        tokenLifetimeInSeconds,
        nowInMs: Date.now(),
        correlationId,
      });
      if ('issued' in result) tokensIssued.push(result.issued);
      sendJson(res, result.status, result.body, headers);
      return;
    }
    count('unknown');
    sendJson(res, 404, {
      error: 'not_found',
      error_description: `No route for ${req.method ?? ''} ${url.pathname}`,
    });
  }

  const server = await startServer(
    (req, res) => {
      handle(req, res).catch((error: unknown) => {
        if (res.headersSent) res.destroy();
        else sendJson(res, 500, { error: 'server_error', error_description: String(error) });
      });
    },
    { tls: { cert: options.tls.serverCertPem, key: options.tls.serverKeyPem } },
  );
  const authorityHost = server.url;
  const tokens = new TokenAuthority(authorityHost);
  bound.authorityHost = authorityHost;
  bound.tokens = tokens;

  return {
    authorityHost,
    tokens,
    addTenant: (tenantId) => {
      directory.addTenant(tenantId);
    },
    registerApp: (app) => {
      directory.registerApp(app);
    },
    addSecret: (appId, secret) => {
      directory.addSecret(appId, secret);
    },
    removeSecret: (appId, value) => {
      directory.removeSecret(appId, value);
    },
    addCertificate: (appId, certPem) => directory.addCertificate(appId, certPem),
    removeCertificate: (appId, thumbprintHex) => {
      directory.removeCertificate(appId, thumbprintHex);
    },
    credentialsOf: (appId) => {
      const app = directory.app(appId);
      return {
        secrets: (app?.secrets ?? []).map(({ value, expiresOn }) => ({ value, expiresOn })),
        certificates: (app?.certificates ?? []).map(({ certPem, thumbprintSha256Hex }) => ({
          certPem,
          thumbprintSha256Hex,
        })),
      };
    },
    consent: (appId, tenantId) => directory.consent(appId, tenantId),
    revokeConsent: (appId, tenantId) => {
      directory.revokeConsent(appId, tenantId);
    },
    servicePrincipalObjectId: (appId, tenantId) =>
      directory.servicePrincipalObjectId(appId, tenantId),
    tokensIssued,
    requestCount: (route) => counts.get(route) ?? 0,
    setTokenFailure: (failure) => {
      tokenFailures.set(failure);
    },
    stop: () => server.stop(),
  };
}
