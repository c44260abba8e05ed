import type {
  CredentialSource,
  CredentialType,
  EnvironmentSettings,
  Settings,
} from '../../../src/lib/settings';
import type { Logger } from '../../../src/lib/util';

export const HOME_TENANT = '11111111-1111-4111-8111-111111111111';
export const CUSTOMER_TENANT = '22222222-2222-4222-8222-222222222222';
export const CLIENT_ID = 'aaaaaaaa-0000-4000-8000-00000000c1d0';

export const homeEnvironment: EnvironmentSettings = {
  name: 'contoso-prod',
  url: 'https://contoso.crm.dynamics.com',
  tenantId: HOME_TENANT,
  tables: [{ logicalName: 'account' }],
};

export const customerEnvironment: EnvironmentSettings = {
  name: 'fabrikam-prod',
  url: 'https://fabrikam.crm.dynamics.com',
  tenantId: CUSTOMER_TENANT,
  tables: [{ logicalName: 'account' }],
};

/** Settings as loadSettings would produce them, for the auth tests. */
export function settingsFor(input: {
  credentialType: CredentialType;
  credentialSource: CredentialSource;
  authorityHost?: string;
  managedIdentityClientId?: string;
  clientId?: string;
}): Settings {
  return {
    environments: [homeEnvironment, customerEnvironment],
    defaultTenantId: HOME_TENANT,
    clientId: input.clientId ?? CLIENT_ID,
    credentialType: input.credentialType,
    credentialSource: input.credentialSource,
    ...(input.managedIdentityClientId === undefined
      ? {}
      : { managedIdentityClientId: input.managedIdentityClientId }),
    authorityHost: input.authorityHost ?? 'https://login.microsoftonline.com',
    sync: {
      schedule: '0 */5 * * * *',
      target: { kind: 'table', tablePrefix: 'dv' },
      storage: {
        settingName: 'AzureWebJobsStorage',
        connectionString: 'UseDevelopmentStorage=true',
      },
      jobsStorage: {
        settingName: 'AzureWebJobsStorage',
        connectionString: 'UseDevelopmentStorage=true',
      },
      maxRunSeconds: 240,
      pageSize: 5000,
    },
    healthDetailedErrors: false,
    healthCacheSeconds: 30,
    managedIdentityEndpointAvailable: true,
    credentialExpiryWarningDays: 14,
  };
}

/** A logger that keeps every line, for assertions and leak scans. */
export function capturingLogger(): Logger & { readonly lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    info: (message) => lines.push(`info: ${message}`),
    warn: (message) => lines.push(`warn: ${message}`),
    error: (message) => lines.push(`error: ${message}`),
  };
}

/** Awaits a promise that must reject and returns the rejection. */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error: unknown) {
    return error;
  }
  throw new Error('expected the promise to reject, but it resolved');
}
