import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

import { FailureScript, type InjectedFailure, sendJson, startServer } from '../httpServer';
import type { TestCertificates } from '../tls';
import type { TokenAuthority } from '../tokens';
import { authorizeRequest, VAULT_RESOURCE, type VaultIdentity } from './authorizeRequest';
import { pageOf } from './listPage';
import { SecretStore, type SecretVersion, type SecretVersionOptions } from './secretStore';

export { KEY_VAULT_SECRETS_USER_ROLE_ID, VAULT_RESOURCE } from './authorizeRequest';
export type { SecretVersionOptions } from './secretStore';

export interface KeyVaultOptions {
  tls: TestCertificates;
  tokens: TokenAuthority;
  /** The vault's tenant: named in the challenge, and required as the token's `tid`. */
  tenantId: string;
  /** The Entra stand-in's authority host, named in the challenge. */
  authorityHost: string;
  vaultName?: string;
}

/** A running Key Vault stand-in (secrets data plane, RBAC permission model). */
export interface KeyVaultStandIn {
  /** `https://127.0.0.1:PORT`: the vault URL; clients need `disableChallengeResourceVerification: true`. */
  readonly url: string;
  /** Adds a new version (rotation when the name exists); returns the version id. */
  setSecret(name: string, value: string, options?: SecretVersionOptions): string;
  disableVersion(name: string, version: string): void;
  /** Removes the secret and all versions (soft delete is not modelled: reads answer 404). */
  deleteSecret(name: string): void;
  /** Assigns "Key Vault Secrets User" on the vault to a principal (object id). */
  grant(objectId: string): void;
  revoke(objectId: string): void;
  /** Successful reads of the secret's value (any version). */
  readCount(name: string): number;
  /** Answers the next authorised requests with `failure` (e.g. 429, 503) until cleared or used up. */
  setFailure(failure: InjectedFailure | undefined): void;
  stop(): Promise<void>;
}

const GET_SECRET_ACTION = 'Microsoft.KeyVault/vaults/secrets/getSecret/action';
const READ_METADATA_ACTION = 'Microsoft.KeyVault/vaults/secrets/readMetadata/action';

function attributesOf(secret: SecretVersion): Record<string, unknown> {
  return {
    enabled: secret.enabled,
    ...(secret.notBefore ? { nbf: Math.floor(secret.notBefore.getTime() / 1000) } : {}),
    ...(secret.expiresOn ? { exp: Math.floor(secret.expiresOn.getTime() / 1000) } : {}),
    created: secret.createdInSeconds,
    updated: secret.updatedInSeconds,
    recoveryLevel: 'Recoverable+Purgeable',
    recoverableDays: 90,
  };
}

function itemOf(id: string, secret: SecretVersion): Record<string, unknown> {
  return {
    id,
    attributes: attributesOf(secret),
    ...(secret.contentType !== undefined ? { contentType: secret.contentType } : {}),
    ...(secret.tags !== undefined ? { tags: secret.tags } : {}),
  };
}

function notFound(nameOrId: string): { error: { code: string; message: string } } {
  return {
    error: {
      code: 'SecretNotFound',
      message: `A secret with (name/id) ${nameOrId} was not found in this key vault. If you recently deleted this secret you may be able to recover it using the correct recovery command. For help resolving this issue, please see https://go.microsoft.com/fwlink/?linkid=2125182`,
    },
  };
}

/**
 * Starts the Key Vault stand-in over HTTPS. Requests follow the real challenge flow: a request
 * without a token gets 401 + `WWW-Authenticate: Bearer authorization="<authority>/<tenant>",
 * resource="https://vault.azure.net"`, which the SDK answers with a token for that resource.
 */
export async function startKeyVault(options: KeyVaultOptions): Promise<KeyVaultStandIn> {
  const store = new SecretStore();
  const secretsUsers = new Set<string>();
  const failures = new FailureScript();
  const vault: VaultIdentity = {
    tokens: options.tokens,
    tenantId: options.tenantId,
    vaultName: options.vaultName ?? 'testbed-vault',
    location: 'westeurope',
    secretsUsers,
  };
  const challenge = `Bearer authorization="${options.authorityHost.replace(/\/$/, '')}/${options.tenantId}", resource="${VAULT_RESOURCE}"`;
  let url = '';

  function handle(req: IncomingMessage, res: ServerResponse): void {
    const headers: Record<string, string> = {
      'x-ms-request-id': randomUUID(),
      'x-ms-keyvault-service-version': '1.9.0.0',
    };
    const send = (status: number, body: unknown): void => {
      sendJson(res, status, body, headers);
    };
    const requestUrl = new URL(req.url ?? '/', url);
    const segments = requestUrl.pathname
      .split('/')
      .filter((s) => s !== '')
      .map(decodeURIComponent);
    if (req.method !== 'GET' || segments[0] !== 'secrets') {
      send(405, {
        error: { code: 'MethodNotAllowed', message: 'The stand-in only serves GET /secrets.' },
      });
      return;
    }
    if (requestUrl.searchParams.get('api-version') === null) {
      send(400, {
        error: { code: 'BadParameter', message: 'The api-version query parameter is missing.' },
      });
      return;
    }
    const [, name, versionOrList] = segments;
    const readsValue = name !== undefined && versionOrList !== 'versions';
    const auth = authorizeRequest(
      req,
      vault,
      readsValue ? GET_SECRET_ACTION : READ_METADATA_ACTION,
    );
    if (!auth.ok) {
      if (auth.status === 401) headers['www-authenticate'] = challenge;
      send(auth.status, auth.body);
      return;
    }
    const failure = failures.take();
    if (failure !== undefined) {
      FailureScript.send(res, failure);
      return;
    }

    const sendPage = (items: readonly unknown[], listUrl: string): void => {
      const page = pageOf(items, requestUrl, listUrl);
      if (page.ok) send(200, page.body);
      else send(page.status, page.body);
    };
    if (name === undefined) {
      const items = store.names().flatMap((n) => {
        const latest = store.get(n);
        return latest ? [itemOf(`${url}/secrets/${n}`, latest)] : [];
      });
      sendPage(items, `${url}/secrets`);
      return;
    }
    if (versionOrList === 'versions') {
      const versions = store.versions(name);
      if (versions === undefined) {
        send(404, notFound(name));
        return;
      }
      // The REST reference promises no order, and the service's is not by age: a client must sort
      // by `attributes.created` itself. Listing by version id keeps such clients honest.
      const byId = [...versions].sort((a, b) => a.version.localeCompare(b.version));
      sendPage(
        byId.map((v) => itemOf(`${url}/secrets/${name}/${v.version}`, v)),
        `${url}/secrets/${encodeURIComponent(name)}/versions`,
      );
      return;
    }
    const secret = store.get(name, versionOrList);
    if (secret === undefined) {
      send(404, notFound(versionOrList === undefined ? name : `${name}/${versionOrList}`));
      return;
    }
    if (!secret.enabled) {
      send(403, {
        error: {
          code: 'Forbidden',
          message: 'Operation get is not allowed on a disabled secret.',
          innererror: { code: 'SecretDisabled' },
        },
      });
      return;
    }
    store.recordRead(name);
    send(200, {
      value: secret.value,
      ...itemOf(`${url}/secrets/${name}/${secret.version}`, secret),
    });
  }

  const server = await startServer(handle, {
    tls: { cert: options.tls.serverCertPem, key: options.tls.serverKeyPem },
  });
  url = server.url;

  return {
    url,
    setSecret: (name, value, secretOptions) => store.set(name, value, secretOptions),
    disableVersion: (name, version) => {
      store.disableVersion(name, version);
    },
    deleteSecret: (name) => {
      store.delete(name);
    },
    grant: (objectId) => {
      secretsUsers.add(objectId);
    },
    revoke: (objectId) => {
      secretsUsers.delete(objectId);
    },
    readCount: (name) => store.readCount(name),
    setFailure: (failure) => {
      failures.set(failure);
    },
    stop: () => server.stop(),
  };
}
