import { randomBytes, randomUUID } from 'node:crypto';

import { AZURITE_ACCOUNT_KEY, type RunningAzurite, startAzurite } from './azurite';
import { type CertificateFiles, loadOrCreateCertificates } from './certificateFiles';
import { type ClientCertificate, createClientCertificate } from './certificates';
import { type DataverseSimulator, type SimEnvironmentOptions, startDataverse } from './dataverse';
import { type EntraStandIn, startEntra } from './entra';
import { type KeyVaultStandIn, startKeyVault } from './keyVault';
import { type ManagedIdentityEndpoint, startManagedIdentity } from './managedIdentity';

// The public surface: everything outside this package imports from here (package.json `exports`).
export {
  AZURITE_ACCOUNT_KEY,
  AZURITE_ACCOUNT_NAME,
  type RunningAzurite,
  startAzurite,
  type StartAzuriteOptions,
} from './azurite';
export { type CertificateFiles, loadOrCreateCertificates } from './certificateFiles';
export {
  type ClientCertificate,
  type ClientCertificateOptions,
  createClientCertificate,
} from './certificates';
export * from './dataverse';
export { generateBaseAccount } from './dataverse/accountGenerator';
export { type EntraOptions, type EntraStandIn, type IssuedTokenRecord, startEntra } from './entra';
export { type RunningServer, startServer, type StartServerOptions } from './httpServer';
export {
  KEY_VAULT_SECRETS_USER_ROLE_ID,
  type KeyVaultOptions,
  type KeyVaultStandIn,
  startKeyVault,
  VAULT_RESOURCE,
} from './keyVault';
export {
  type ManagedIdentityAssignment,
  type ManagedIdentityEndpoint,
  type ManagedIdentityOptions,
  startManagedIdentity,
} from './managedIdentity';
export { type RunningPostgres, startPostgres, type StartPostgresOptions } from './postgres';
export {
  type QueueDelivery,
  type QueueHandler,
  QueueHost,
  type QueueHostEvent,
  type QueueHostOptions,
} from './queueHost';
export { generateTestCertificates, type TestCertificates, writeTestCertificates } from './tls';
export { type AccessTokenClaims, type IssueTokenInput, TokenAuthority } from './tokens';
export { ensureProcessTrustsTestBed } from './trustedProcess';

/** One Dataverse environment of the bed; `tenant: 'customer'` puts it in the second tenant. */
export interface TestBedEnvironment extends Partial<
  Omit<SimEnvironmentOptions, 'name' | 'tenantId' | 'applicationUsers'>
> {
  readonly name: string;
  readonly tenant?: 'home' | 'customer';
}

export interface TestBedOptions {
  /** Default: one environment `contoso` in the home tenant with 100 seeded accounts. */
  readonly environments?: readonly TestBedEnvironment[];
  readonly credentialType?: 'secret' | 'certificate';
  /** How Key Vault holds the certificate: base64 PFX (its default) or PEM. */
  readonly certificateFormat?: 'pfx' | 'pem';
  /** Grant admin consent in the customer tenant (multi-tenant). Default true. */
  readonly consentCustomerTenant?: boolean;
  /** Start Azurite too (storage for sync checkpoints and the mirror). Default false. */
  readonly azurite?: boolean;
  /** Days until the client secret / certificate expires. Default 90. */
  readonly credentialLifetimeDays?: number;
}

/** Identifiers of everything the bed registered, for tests that need to reach in. */
export interface TestBedIds {
  readonly homeTenantId: string;
  readonly customerTenantId: string;
  readonly clientId: string;
  readonly managedIdentityClientId: string;
  readonly managedIdentityObjectId: string;
  readonly credentialName: string;
}

export interface TestBed {
  readonly certificates: CertificateFiles;
  readonly entra: EntraStandIn;
  readonly keyVault: KeyVaultStandIn;
  readonly managedIdentity: ManagedIdentityEndpoint;
  readonly dataverse: DataverseSimulator;
  readonly azurite: RunningAzurite | undefined;
  readonly ids: TestBedIds;
  /** The client secret registered in Entra and stored in Key Vault (secret mode). */
  readonly clientSecret: string;
  /** The current client certificate in Key Vault (certificate mode); after a renewal, the new one. */
  readonly clientCertificate: ClientCertificate;
  /** App settings that run the app against the bed (the local.settings.json `Values`). */
  appSettings(): Record<string, string>;
  /** Process environment the Azure SDK reads itself: the managed-identity endpoint, CA trust. */
  processEnvironment(): Record<string, string>;
  /**
   * Every secret the bed planted or issued, for leak scans of logs and responses: the client
   * secret (and its predecessors), the key material, the managed-identity header, every issued
   * token, Azurite's account key when Azurite runs, and whatever a test added with
   * {@link TestBed.plantSecret}.
   */
  plantedSecrets(): string[];
  /**
   * Adds a secret a test put into the app's settings (a SAS signature, a function key in a
   * webhook URL) to {@link TestBed.plantedSecrets}, so every leak scan looks for it too.
   */
  plantSecret(secret: string): void;
  /**
   * Rotation: a new secret in Entra (the old one removed unless told otherwise; none added with
   * `addToEntra: false`, as when the new value reaches Key Vault first) and a new Key Vault
   * version; returns the version.
   */
  rotateSecret(options?: { removeOld?: boolean; expiresOn?: Date; addToEntra?: boolean }): string;
  /**
   * Key Vault's AutoRenew (certificate mode): a new certificate with a new key pair and so a new
   * thumbprint, stored as a new version in the same format. Entra does not know it until the
   * test uploads it (`entra.addCertificate`), as `az ad app credential reset --append` would.
   */
  renewCertificate(options?: { lifetimeDays?: number }): {
    version: string;
    certificate: ClientCertificate;
  };
  stop(): Promise<void>;
}

const DAY_IN_MS = 24 * 3600 * 1000;

function newSecretValue(): string {
  // Entra client secrets are 40 characters of this alphabet; the shape matters for leak scans.
  return randomBytes(30).toString('base64').replace(/[+/=]/g, '~').slice(0, 40);
}

/**
 * Starts every stand-in on free loopback ports: Entra ID (two tenants), a managed-identity
 * endpoint, Key Vault holding the app's credential, the Dataverse simulator and, on request,
 * Azurite. One app registration (home tenant) with an application user in every environment.
 */
export async function startTestBed(options: TestBedOptions = {}): Promise<TestBed> {
  const certificates = loadOrCreateCertificates();
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async (): Promise<void> => {
    const errors: unknown[] = [];
    for (const stop of stops.reverse()) {
      try {
        await stop();
      } catch (error) {
        errors.push(error);
      }
    }
    stops.length = 0;
    if (errors.length > 0) throw new AggregateError(errors, 'test bed did not stop cleanly');
  };
  try {
    return await assemble(options, certificates, stops, stopAll);
  } catch (error) {
    await stopAll().catch(() => undefined);
    throw error;
  }
}

async function assemble(
  options: TestBedOptions,
  certificates: CertificateFiles,
  stops: (() => Promise<void>)[],
  stopAll: () => Promise<void>,
): Promise<TestBed> {
  const ids: TestBedIds = {
    homeTenantId: randomUUID(),
    customerTenantId: randomUUID(),
    clientId: randomUUID(),
    managedIdentityClientId: randomUUID(),
    managedIdentityObjectId: randomUUID(),
    credentialName: 'dataverse-client',
  };
  const credentialType = options.credentialType ?? 'secret';
  const expiresOn = new Date(Date.now() + (options.credentialLifetimeDays ?? 90) * DAY_IN_MS);

  const entra = await startEntra({ tls: certificates.certs });
  stops.push(() => entra.stop());
  entra.addTenant(ids.homeTenantId);
  entra.addTenant(ids.customerTenantId);
  entra.registerApp({
    appId: ids.clientId,
    homeTenantId: ids.homeTenantId,
    displayName: 'dataverse-sync',
  });
  if (options.consentCustomerTenant ?? true) entra.consent(ids.clientId, ids.customerTenantId);

  const managedIdentity = await startManagedIdentity({
    tokens: entra.tokens,
    tenantId: ids.homeTenantId,
    identities: [{ clientId: ids.managedIdentityClientId, objectId: ids.managedIdentityObjectId }],
  });
  stops.push(() => managedIdentity.stop());

  const keyVault = await startKeyVault({
    tls: certificates.certs,
    tokens: entra.tokens,
    tenantId: ids.homeTenantId,
    authorityHost: entra.authorityHost,
  });
  stops.push(() => keyVault.stop());
  keyVault.grant(ids.managedIdentityObjectId);

  let clientSecret = newSecretValue();
  let clientCertificate = createClientCertificate({
    commonName: 'dataverse-sync',
    notAfter: expiresOn,
  });
  const pem = options.certificateFormat === 'pem';
  const storeCertificate = (certificate: ClientCertificate): string =>
    keyVault.setSecret(ids.credentialName, pem ? certificate.pemBundle : certificate.pfxBase64, {
      contentType: pem ? 'application/x-pem-file' : 'application/x-pkcs12',
      expiresOn: certificate.notAfter,
    });
  if (credentialType === 'secret') {
    entra.addSecret(ids.clientId, { value: clientSecret, expiresOn });
    keyVault.setSecret(ids.credentialName, clientSecret, { expiresOn });
  } else {
    entra.addCertificate(ids.clientId, clientCertificate.certPem);
    storeCertificate(clientCertificate);
  }

  const environments = options.environments ?? [
    { name: 'contoso', accounts: { count: 100, seed: 1 } },
  ];
  const dataverse = await startDataverse({
    tls: { cert: certificates.certs.serverCertPem, key: certificates.certs.serverKeyPem },
    tokens: entra.tokens,
    environments: environments.map(({ tenant, ...environment }) => ({
      ...environment,
      tenantId: tenant === 'customer' ? ids.customerTenantId : ids.homeTenantId,
      applicationUsers: [{ appId: ids.clientId }],
    })),
  });
  stops.push(() => dataverse.stop());

  const previousSecrets: string[] = [];
  const previousCertificates: ClientCertificate[] = [];
  const testSecrets: string[] = [];
  let azurite: RunningAzurite | undefined;
  if (options.azurite === true) {
    azurite = await startAzurite();
    const running = azurite;
    stops.push(() => running.stop());
  }

  return {
    certificates,
    entra,
    keyVault,
    managedIdentity,
    dataverse,
    azurite,
    ids,
    get clientSecret() {
      return clientSecret;
    },
    get clientCertificate() {
      return clientCertificate;
    },
    appSettings: () => appSettingsFor(ids, credentialType, entra, keyVault, dataverse, azurite),
    processEnvironment: () => ({
      IDENTITY_ENDPOINT: managedIdentity.endpoint,
      IDENTITY_HEADER: managedIdentity.header,
      NODE_EXTRA_CA_CERTS: certificates.caFile,
    }),
    plantedSecrets: () => [
      clientSecret,
      ...previousSecrets,
      ...[clientCertificate, ...previousCertificates].flatMap((certificate) => [
        certificate.privateKeyPem.split('\n').slice(1, -2).join(''),
        certificate.pfxBase64.slice(0, 64),
      ]),
      managedIdentity.header,
      ...entra.tokens.issued.map((record) => record.token),
      ...(azurite === undefined ? [] : [AZURITE_ACCOUNT_KEY]),
      ...testSecrets,
    ],
    plantSecret(secret) {
      testSecrets.push(secret);
    },
    rotateSecret({ removeOld = true, expiresOn: newExpiry = expiresOn, addToEntra = true } = {}) {
      const next = newSecretValue();
      if (addToEntra) entra.addSecret(ids.clientId, { value: next, expiresOn: newExpiry });
      if (removeOld) entra.removeSecret(ids.clientId, clientSecret);
      previousSecrets.push(clientSecret);
      clientSecret = next;
      return keyVault.setSecret(ids.credentialName, next, { expiresOn: newExpiry });
    },
    renewCertificate({ lifetimeDays = 365 } = {}) {
      previousCertificates.push(clientCertificate);
      clientCertificate = createClientCertificate({
        commonName: 'dataverse-sync',
        notAfter: new Date(Date.now() + lifetimeDays * DAY_IN_MS),
      });
      return { version: storeCertificate(clientCertificate), certificate: clientCertificate };
    },
    stop: stopAll,
  };
}

function appSettingsFor(
  ids: TestBedIds,
  credentialType: 'secret' | 'certificate',
  entra: EntraStandIn,
  keyVault: KeyVaultStandIn,
  dataverse: DataverseSimulator,
  azurite: RunningAzurite | undefined,
): Record<string, string> {
  const environments = dataverse.environments.map((environment) => ({
    name: environment.name,
    url: environment.url,
    tenantId: environment.tenantId,
  }));
  return {
    FUNCTIONS_WORKER_RUNTIME: 'node',
    AzureWebJobsStorage: azurite?.connectionString ?? 'UseDevelopmentStorage=true',
    DATAVERSE_ENVIRONMENTS: JSON.stringify(environments),
    DATAVERSE_TENANT_ID: ids.homeTenantId,
    DATAVERSE_CLIENT_ID: ids.clientId,
    DATAVERSE_CREDENTIAL_TYPE: credentialType,
    KEY_VAULT_URL: keyVault.url,
    DATAVERSE_CREDENTIAL_NAME: ids.credentialName,
    AZURE_CLIENT_ID: ids.managedIdentityClientId,
    AZURE_AUTHORITY_HOST: entra.authorityHost,
    KEY_VAULT_DISABLE_CHALLENGE_RESOURCE_VERIFICATION: 'true',
    SYNC_SCHEDULE: '0 */5 * * * *',
    SYNC_TARGET: 'table',
    SYNC_STORAGE: 'AzureWebJobsStorage',
    SYNC_TABLES: 'account',
    SYNC_TABLE_PREFIX: 'dv',
    HEALTH_CACHE_SECONDS: '30',
    CREDENTIAL_EXPIRY_WARNING_DAYS: '30',
  };
}
