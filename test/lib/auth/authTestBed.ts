import { randomUUID } from 'node:crypto';

import {
  type EntraStandIn,
  type KeyVaultStandIn,
  loadOrCreateCertificates,
  type ManagedIdentityEndpoint,
  startEntra,
  startKeyVault,
  startManagedIdentity,
} from '@dataverse-s2s/testbed';

import { createTokenProvider } from '../../../src/lib/auth/tokenProvider';
import type { DataverseTokenProvider } from '../../../src/lib/auth/types';
import type { CredentialType } from '../../../src/lib/settings';
import { capturingLogger, CUSTOMER_TENANT, HOME_TENANT, settingsFor } from './fixtures';

/** Granted 'Key Vault Secrets User' on the vault at start. */
export const SYSTEM_IDENTITY = { clientId: randomUUID(), objectId: randomUUID() };
export const USER_IDENTITY = { clientId: randomUUID(), objectId: randomUUID() };
/** Assigned to the app but never granted on the vault. */
export const UNGRANTED_IDENTITY = { clientId: randomUUID(), objectId: randomUUID() };

/** One test's own app registration and Key Vault secret, so tests never share state. */
export interface Scenario {
  readonly clientId: string;
  readonly secretName: string;
  /** A provider for this scenario; every log line lands in `logger.lines`. */
  provider(input: { credentialType: CredentialType; managedIdentityClientId?: string }): {
    provider: DataverseTokenProvider;
    logger: ReturnType<typeof capturingLogger>;
  };
}

/** Entra (home + customer tenant), Key Vault in the home tenant and the MI endpoint. */
export interface AuthTestBed {
  readonly entra: EntraStandIn;
  readonly vault: KeyVaultStandIn;
  readonly identity: ManagedIdentityEndpoint;
  /** Registers a fresh app in the home tenant and picks a fresh secret name. */
  scenario(): Scenario;
  stop(): Promise<void>;
}

const IDENTITY_VARIABLES = ['IDENTITY_ENDPOINT', 'IDENTITY_HEADER'] as const;

/**
 * Starts the stand-ins once per test file and points the process's managed identity variables
 * at the endpoint (the SDK reads them itself); `stop()` restores them and stops every server.
 * Once per file, not per test: MSAL keeps managed identity tokens in a process-wide static
 * cache, so a second Entra stand-in (new signing key) in the same process would meet tokens
 * signed by the first one.
 */
export async function startAuthTestBed(): Promise<AuthTestBed> {
  // The run's CA (test/globalSetup.ts), which this worker trusts through NODE_EXTRA_CA_CERTS.
  const tls = loadOrCreateCertificates().certs;
  const saved = IDENTITY_VARIABLES.map((name) => [name, process.env[name]] as const);
  const started: { stop(): Promise<void> }[] = [];
  const stop = async (): Promise<void> => {
    for (const [name, value] of saved) {
      if (value === undefined) Reflect.deleteProperty(process.env, name);
      else process.env[name] = value;
    }
    await Promise.all(started.map((server) => server.stop()));
  };
  try {
    const entra = await startEntra({ tls });
    started.push(entra);
    entra.addTenant(HOME_TENANT);
    entra.addTenant(CUSTOMER_TENANT);
    const vault = await startKeyVault({
      tls,
      tokens: entra.tokens,
      tenantId: HOME_TENANT,
      authorityHost: entra.authorityHost,
    });
    started.push(vault);
    vault.grant(SYSTEM_IDENTITY.objectId);
    vault.grant(USER_IDENTITY.objectId);
    const identity = await startManagedIdentity({
      tokens: entra.tokens,
      tenantId: HOME_TENANT,
      identities: [USER_IDENTITY, UNGRANTED_IDENTITY],
      systemAssigned: SYSTEM_IDENTITY,
    });
    started.push(identity);
    process.env.IDENTITY_ENDPOINT = identity.endpoint;
    process.env.IDENTITY_HEADER = identity.header;
    const scenario = (): Scenario => {
      const clientId = randomUUID();
      const secretName = `dataverse-${clientId.slice(0, 8)}`;
      entra.registerApp({
        appId: clientId,
        homeTenantId: HOME_TENANT,
        displayName: `app-${secretName}`,
      });
      return {
        clientId,
        secretName,
        provider: ({ credentialType, managedIdentityClientId }) => {
          const logger = capturingLogger();
          const settings = settingsFor({
            clientId,
            credentialType,
            authorityHost: entra.authorityHost,
            credentialSource: {
              kind: 'keyVault',
              vaultUrl: vault.url,
              name: secretName,
              disableChallengeResourceVerification: true,
            },
            ...(managedIdentityClientId === undefined ? {} : { managedIdentityClientId }),
          });
          return {
            provider: createTokenProvider({ settings, logger, managedIdentityAvailable: true }),
            logger,
          };
        },
      };
    };
    return { entra, vault, identity, scenario, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
