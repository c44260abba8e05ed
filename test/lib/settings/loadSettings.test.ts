import { describe, expect, it } from 'vitest';

import { ConfigurationError } from '../../../src/lib/errors';
import { loadSettings, RENAMED_SETTING_NAMES, SETTING_NAMES } from '../../../src/lib/settings';

const TENANT = '11111111-2222-3333-4444-555555555555';
const CLIENT = 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee';
const SECRET = 'Sup3r~Secret.Value_that-must-never-leak';

/** A complete, valid set for the local-development path (secret in a setting). */
function base(
  overrides: Record<string, string | undefined> = {},
): Record<string, string | undefined> {
  return {
    DATAVERSE_URL: 'https://contoso.crm.dynamics.com',
    DATAVERSE_TENANT_ID: TENANT,
    DATAVERSE_CLIENT_ID: CLIENT,
    DATAVERSE_CREDENTIAL_TYPE: 'secret',
    DATAVERSE_CLIENT_SECRET: SECRET,
    AzureWebJobsStorage: 'UseDevelopmentStorage=true',
    ...overrides,
  };
}

function problemsOf(env: Record<string, string | undefined>): string {
  try {
    loadSettings(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigurationError);
    return (error as ConfigurationError).message;
  }
  throw new Error('expected loadSettings to throw');
}

describe('loadSettings: defaults and normalisation', () => {
  it('applies every documented default', () => {
    const s = loadSettings(base());
    expect(s.environments).toEqual([
      { name: 'contoso', url: 'https://contoso.crm.dynamics.com', tenantId: TENANT },
    ]);
    expect(s.defaultTenantId).toBe(TENANT);
    expect(s.clientId).toBe(CLIENT);
    expect(s.credentialType).toBe('secret');
    expect(s.credentialSource).toEqual({ kind: 'secretValue', secret: SECRET });
    expect(s.managedIdentityClientId).toBeUndefined();
    expect(s.authorityHost).toBe('https://login.microsoftonline.com');
    expect(s.sync).toEqual({
      schedule: '0 */15 * * * *',
      columns: [
        'accountid',
        'name',
        'accountnumber',
        'telephone1',
        'emailaddress1',
        'address1_city',
        'revenue',
        'statecode',
        'versionnumber',
      ],
      target: { kind: 'table', tableName: 'accounts' },
      storage: {
        settingName: 'AzureWebJobsStorage',
        connectionString: 'UseDevelopmentStorage=true',
      },
      maxRunSeconds: 1500,
      pageSize: 5000,
    });
    expect(s.healthCacheSeconds).toBe(60);
    expect(s.healthDetailedErrors).toBe(false);
    expect(s.credentialExpiryWarningDays).toBe(30);
  });

  it('returns a deeply frozen object', () => {
    const s = loadSettings(base());
    expect(Object.isFrozen(s)).toBe(true);
    expect(Object.isFrozen(s.environments)).toBe(true);
    expect(Object.isFrozen(s.environments[0])).toBe(true);
    expect(Object.isFrozen(s.sync.columns)).toBe(true);
    expect(Object.isFrozen(s.sync.storage)).toBe(true);
    expect(Object.isFrozen(s.credentialSource)).toBe(true);
  });

  it.each([
    ['https://contoso.crm.dynamics.com/', 'https://contoso.crm.dynamics.com', 'contoso'],
    [
      'https://Contoso-Prod.CRM4.dynamics.com',
      'https://contoso-prod.crm4.dynamics.com',
      'contoso-prod',
    ],
    ['https://127.0.0.1:8443', 'https://127.0.0.1:8443', 'local'],
    ['http://127.0.0.1:8080/', 'http://127.0.0.1:8080', 'local'],
    ['http://localhost:5000', 'http://localhost:5000', 'localhost'],
    ['http://[::1]:5000', 'http://[::1]:5000', 'local'],
  ])('DATAVERSE_URL %s → url %s, name %s', (input, url, name) => {
    expect(loadSettings(base({ DATAVERSE_URL: input })).environments).toEqual([
      { name, url, tenantId: TENANT },
    ]);
  });

  it('treats empty and whitespace-only values as unset (defaults apply)', () => {
    const s = loadSettings(
      base({ SYNC_SCHEDULE: '   ', HEALTH_CACHE_SECONDS: '', SYNC_TARGET: ' ' }),
    );
    expect(s.sync.schedule).toBe('0 */15 * * * *');
    expect(s.healthCacheSeconds).toBe(60);
    expect(s.sync.target).toEqual({ kind: 'table', tableName: 'accounts' });
  });

  it('reads several environments with per-environment tenants', () => {
    const s = loadSettings(
      base({
        DATAVERSE_URL: undefined,
        DATAVERSE_ENVIRONMENTS: JSON.stringify([
          { name: 'contoso-prod', url: 'https://contoso.crm.dynamics.com/' },
          {
            name: 'Fabrikam2',
            url: 'https://fabrikam.crm4.dynamics.com',
            tenantId: 'Fabrikam.onmicrosoft.com',
          },
        ]),
      }),
    );
    expect(s.environments).toEqual([
      { name: 'contoso-prod', url: 'https://contoso.crm.dynamics.com', tenantId: TENANT },
      {
        name: 'Fabrikam2',
        url: 'https://fabrikam.crm4.dynamics.com',
        tenantId: 'fabrikam.onmicrosoft.com',
      },
    ]);
  });

  it.each([
    [
      { DATAVERSE_TENANT_ID: 'contoso.onmicrosoft.com' },
      (s: ReturnType<typeof loadSettings>) => s.defaultTenantId,
      'contoso.onmicrosoft.com',
    ],
    [
      { DATAVERSE_CLIENT_ID: CLIENT.toUpperCase() },
      (s: ReturnType<typeof loadSettings>) => s.clientId,
      CLIENT,
    ],
    [
      { AZURE_CLIENT_ID: TENANT },
      (s: ReturnType<typeof loadSettings>) => s.managedIdentityClientId,
      TENANT,
    ],
    [
      { AZURE_AUTHORITY_HOST: 'https://login.microsoftonline.us/' },
      (s: ReturnType<typeof loadSettings>) => s.authorityHost,
      'https://login.microsoftonline.us',
    ],
    [
      { SYNC_SCHEDULE: '0 0 2 * * Mon-Fri' },
      (s: ReturnType<typeof loadSettings>) => s.sync.schedule,
      '0 0 2 * * Mon-Fri',
    ],
    [
      { SYNC_SCHEDULE: '0  */5 * * * *' },
      (s: ReturnType<typeof loadSettings>) => s.sync.schedule,
      '0 */5 * * * *',
    ],
    [
      { SYNC_SCHEDULE: '*/30 0,30 8-18/2 1 JAN *' },
      (s: ReturnType<typeof loadSettings>) => s.sync.schedule,
      '*/30 0,30 8-18/2 1 JAN *',
    ],
    [
      { ACCOUNT_SYNC_COLUMNS: ' name , versionnumber,new_custom_field,name' },
      (s: ReturnType<typeof loadSettings>) => s.sync.columns,
      ['accountid', 'name', 'versionnumber', 'new_custom_field'],
    ],
    [
      {
        SYNC_TARGET: 'HTTP',
        SYNC_WEBHOOK_URL: 'https://mirror.example.com/api/x?code=abc',
      },
      (s: ReturnType<typeof loadSettings>) => s.sync.target,
      { kind: 'http', url: 'https://mirror.example.com/api/x?code=abc' },
    ],
    [
      {
        SYNC_TARGET: 'http',
        SYNC_WEBHOOK_URL: 'http://127.0.0.1:7071/hook',
        SYNC_WEBHOOK_SCOPE: 'api://mirror/.default',
      },
      (s: ReturnType<typeof loadSettings>) => s.sync.target,
      { kind: 'http', url: 'http://127.0.0.1:7071/hook', scope: 'api://mirror/.default' },
    ],
    [
      { ACCOUNT_SYNC_TABLE_NAME: 'AccountMirror2' },
      (s: ReturnType<typeof loadSettings>) => s.sync.target,
      { kind: 'table', tableName: 'AccountMirror2' },
    ],
    [
      { SYNC_MAX_RUN_SECONDS: '30' },
      (s: ReturnType<typeof loadSettings>) => s.sync.maxRunSeconds,
      30,
    ],
    [
      { SYNC_PAGE_SIZE: '500' },
      (s: ReturnType<typeof loadSettings>) => s.sync.pageSize,
      500,
    ],
    [
      { HEALTH_CACHE_SECONDS: '0' },
      (s: ReturnType<typeof loadSettings>) => s.healthCacheSeconds,
      0,
    ],
    [
      { CREDENTIAL_EXPIRY_WARNING_DAYS: '14' },
      (s: ReturnType<typeof loadSettings>) => s.credentialExpiryWarningDays,
      14,
    ],
  ])('accepts %o', (overrides, pick, expected) => {
    expect(pick(loadSettings(base(overrides)))).toEqual(expected);
  });
});

describe('loadSettings: credential sources', () => {
  it('reads a Key Vault credential and its challenge flag', () => {
    const s = loadSettings(
      base({
        DATAVERSE_CLIENT_SECRET: undefined,
        DATAVERSE_CREDENTIAL_TYPE: 'Certificate',
        KEY_VAULT_URL: 'https://contoso-kv.vault.azure.net/',
        DATAVERSE_CREDENTIAL_NAME: 'dataverse-client',
        KEY_VAULT_DISABLE_CHALLENGE_RESOURCE_VERIFICATION: 'TRUE',
      }),
    );
    expect(s.credentialType).toBe('certificate');
    expect(s.credentialSource).toEqual({
      kind: 'keyVault',
      vaultUrl: 'https://contoso-kv.vault.azure.net',
      name: 'dataverse-client',
      disableChallengeResourceVerification: true,
    });
  });

  it('reads a local certificate path', () => {
    const s = loadSettings(
      base({
        DATAVERSE_CLIENT_SECRET: undefined,
        DATAVERSE_CREDENTIAL_TYPE: 'certificate',
        DATAVERSE_CLIENT_CERTIFICATE_PATH: './certs/c.pem',
      }),
    );
    expect(s.credentialSource).toEqual({ kind: 'certificateFile', path: './certs/c.pem' });
  });
});

describe('loadSettings: storage connection', () => {
  it.each([
    [
      { AzureWebJobsStorage: undefined, AzureWebJobsStorage__accountName: 'contosostore' },
      {
        settingName: 'AzureWebJobsStorage',
        blobServiceUri: 'https://contosostore.blob.core.windows.net',
        tableServiceUri: 'https://contosostore.table.core.windows.net',
      },
    ],
    [
      {
        AzureWebJobsStorage: undefined,
        AzureWebJobsStorage__blobServiceUri: 'https://contosostore.blob.core.windows.net/',
        AzureWebJobsStorage__tableServiceUri: 'https://contosostore.table.core.windows.net',
        AzureWebJobsStorage__clientId: CLIENT,
      },
      {
        settingName: 'AzureWebJobsStorage',
        blobServiceUri: 'https://contosostore.blob.core.windows.net',
        tableServiceUri: 'https://contosostore.table.core.windows.net',
        clientId: CLIENT,
      },
    ],
    [
      {
        SYNC_STORAGE: 'MirrorStorage',
        MirrorStorage:
          'DefaultEndpointsProtocol=https;AccountName=mirror;AccountKey=abc==;EndpointSuffix=core.windows.net',
      },
      {
        settingName: 'MirrorStorage',
        connectionString:
          'DefaultEndpointsProtocol=https;AccountName=mirror;AccountKey=abc==;EndpointSuffix=core.windows.net',
      },
    ],
    [
      {
        AzureWebJobsStorage:
          'DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=k;TableEndpoint=http://127.0.0.1:10002/devstoreaccount1;BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;',
      },
      {
        settingName: 'AzureWebJobsStorage',
        connectionString:
          'DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=k;TableEndpoint=http://127.0.0.1:10002/devstoreaccount1;BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;',
      },
    ],
  ])('resolves %o', (overrides, expected) => {
    expect(loadSettings(base(overrides)).sync.storage).toEqual(expected);
  });
});

describe('loadSettings: invalid values', () => {
  const VALID_ENVS = JSON.stringify([{ name: 'a', url: 'https://a.crm.dynamics.com' }]);
  it.each<[string, Record<string, string | undefined>, string]>([
    ['no environment', { DATAVERSE_URL: undefined }, 'DATAVERSE_URL: is required'],
    [
      'both URL and list',
      { DATAVERSE_ENVIRONMENTS: VALID_ENVS },
      'set either DATAVERSE_URL or DATAVERSE_ENVIRONMENTS',
    ],
    [
      'http org URL',
      { DATAVERSE_URL: 'http://contoso.crm.dynamics.com' },
      'DATAVERSE_URL: must use https',
    ],
    [
      'org URL with path',
      { DATAVERSE_URL: 'https://contoso.crm.dynamics.com/api/data/v9.2' },
      'DATAVERSE_URL: must be the bare base URL',
    ],
    [
      'org URL with query',
      { DATAVERSE_URL: 'https://contoso.crm.dynamics.com/?appid=1' },
      'DATAVERSE_URL: must be the bare base URL',
    ],
    [
      'relative org URL',
      { DATAVERSE_URL: 'contoso.crm.dynamics.com' },
      'DATAVERSE_URL: is not an absolute URL',
    ],
    [
      'list not JSON',
      { DATAVERSE_URL: undefined, DATAVERSE_ENVIRONMENTS: '[{name:a}]' },
      'DATAVERSE_ENVIRONMENTS: is not valid JSON',
    ],
    [
      'list empty',
      { DATAVERSE_URL: undefined, DATAVERSE_ENVIRONMENTS: '[]' },
      'must be a non-empty JSON array',
    ],
    [
      'list entry not object',
      { DATAVERSE_URL: undefined, DATAVERSE_ENVIRONMENTS: '["x"]' },
      'entry 0 is not an object',
    ],
    [
      'bad name',
      {
        DATAVERSE_URL: undefined,
        DATAVERSE_ENVIRONMENTS: '[{"name":"a b","url":"https://a.crm.dynamics.com"}]',
      },
      'entry 0 needs a "name"',
    ],
    [
      'long name',
      {
        DATAVERSE_URL: undefined,
        DATAVERSE_ENVIRONMENTS: JSON.stringify([
          { name: 'x'.repeat(64), url: 'https://a.crm.dynamics.com' },
        ]),
      },
      'entry 0 needs a "name"',
    ],
    [
      'missing url',
      { DATAVERSE_URL: undefined, DATAVERSE_ENVIRONMENTS: '[{"name":"a"}]' },
      'entry 0 needs a "url"',
    ],
    [
      'bad tenant in entry',
      {
        DATAVERSE_URL: undefined,
        DATAVERSE_ENVIRONMENTS:
          '[{"name":"a","url":"https://a.crm.dynamics.com","tenantId":"common"}]',
      },
      'entry 0 "tenantId" must be',
    ],
    [
      'duplicate names',
      {
        DATAVERSE_URL: undefined,
        DATAVERSE_ENVIRONMENTS:
          '[{"name":"a","url":"https://a.crm.dynamics.com"},{"name":"A","url":"https://b.crm.dynamics.com"}]',
      },
      'environment name "A" is used twice',
    ],
    [
      'duplicate urls',
      {
        DATAVERSE_URL: undefined,
        DATAVERSE_ENVIRONMENTS:
          '[{"name":"a","url":"https://a.crm.dynamics.com"},{"name":"b","url":"https://a.crm.dynamics.com/"}]',
      },
      'is listed twice',
    ],
    ['missing tenant', { DATAVERSE_TENANT_ID: undefined }, 'DATAVERSE_TENANT_ID: is required'],
    ['bad tenant', { DATAVERSE_TENANT_ID: 'common' }, 'DATAVERSE_TENANT_ID: must be the tenant ID'],
    ['missing client id', { DATAVERSE_CLIENT_ID: undefined }, 'DATAVERSE_CLIENT_ID: is required'],
    ['bad client id', { DATAVERSE_CLIENT_ID: 'my-app' }, 'DATAVERSE_CLIENT_ID: must be a GUID'],
    [
      'missing credential type',
      { DATAVERSE_CREDENTIAL_TYPE: undefined },
      'DATAVERSE_CREDENTIAL_TYPE: is required',
    ],
    [
      'bad credential type',
      { DATAVERSE_CREDENTIAL_TYPE: 'password' },
      'DATAVERSE_CREDENTIAL_TYPE: must be secret or certificate',
    ],
    [
      'missing secret',
      { DATAVERSE_CLIENT_SECRET: undefined },
      'DATAVERSE_CLIENT_SECRET: is required',
    ],
    [
      'missing certificate path',
      { DATAVERSE_CREDENTIAL_TYPE: 'certificate', DATAVERSE_CLIENT_SECRET: undefined },
      'DATAVERSE_CLIENT_CERTIFICATE_PATH: is required',
    ],
    [
      'secret with certificate type',
      { DATAVERSE_CREDENTIAL_TYPE: 'certificate', DATAVERSE_CLIENT_CERTIFICATE_PATH: 'c.pem' },
      'DATAVERSE_CLIENT_SECRET: is set but DATAVERSE_CREDENTIAL_TYPE=certificate',
    ],
    [
      'path with secret type',
      { DATAVERSE_CLIENT_CERTIFICATE_PATH: 'c.pem' },
      'DATAVERSE_CLIENT_CERTIFICATE_PATH: is set but DATAVERSE_CREDENTIAL_TYPE=secret',
    ],
    [
      'vault without name',
      { DATAVERSE_CLIENT_SECRET: undefined, KEY_VAULT_URL: 'https://kv.vault.azure.net' },
      'DATAVERSE_CREDENTIAL_NAME: is required with KEY_VAULT_URL',
    ],
    [
      'vault http',
      {
        DATAVERSE_CLIENT_SECRET: undefined,
        KEY_VAULT_URL: 'http://127.0.0.1:8443',
        DATAVERSE_CREDENTIAL_NAME: 'x',
      },
      'KEY_VAULT_URL: must use https',
    ],
    [
      'vault bad name',
      {
        DATAVERSE_CLIENT_SECRET: undefined,
        KEY_VAULT_URL: 'https://kv.vault.azure.net',
        DATAVERSE_CREDENTIAL_NAME: 'my_secret',
      },
      'DATAVERSE_CREDENTIAL_NAME: must be 1-127',
    ],
    [
      'vault and local secret',
      { KEY_VAULT_URL: 'https://kv.vault.azure.net', DATAVERSE_CREDENTIAL_NAME: 'x' },
      'DATAVERSE_CLIENT_SECRET: must not be set together with KEY_VAULT_URL',
    ],
    [
      'name without vault',
      { DATAVERSE_CREDENTIAL_NAME: 'x' },
      'KEY_VAULT_URL: is required when DATAVERSE_CREDENTIAL_NAME is set',
    ],
    [
      'bad challenge flag',
      {
        DATAVERSE_CLIENT_SECRET: undefined,
        KEY_VAULT_URL: 'https://kv.vault.azure.net',
        DATAVERSE_CREDENTIAL_NAME: 'x',
        KEY_VAULT_DISABLE_CHALLENGE_RESOURCE_VERIFICATION: 'yes',
      },
      'KEY_VAULT_DISABLE_CHALLENGE_RESOURCE_VERIFICATION: must be true or false',
    ],
    ['bad managed identity', { AZURE_CLIENT_ID: 'x' }, 'AZURE_CLIENT_ID: must be a GUID'],
    [
      'http authority',
      { AZURE_AUTHORITY_HOST: 'http://127.0.0.1:9999' },
      'AZURE_AUTHORITY_HOST: must use https',
    ],
    [
      '5-field cron',
      { SYNC_SCHEDULE: '*/5 * * * *' },
      'SYNC_SCHEDULE: must be a 6-field NCRONTAB expression',
    ],
    [
      'timespan schedule',
      { SYNC_SCHEDULE: '00:05:00' },
      'SYNC_SCHEDULE: must be a 6-field',
    ],
    [
      'second out of range',
      { SYNC_SCHEDULE: '60 * * * * *' },
      'has an invalid second field',
    ],
    ['hour out of range', { SYNC_SCHEDULE: '0 0 24 * * *' }, 'has an invalid hour field'],
    ['zero step', { SYNC_SCHEDULE: '0 */0 * * * *' }, 'has an invalid minute field'],
    ['reversed range', { SYNC_SCHEDULE: '0 0 9-5 * * *' }, 'has an invalid hour field'],
    [
      'bad day name',
      { SYNC_SCHEDULE: '0 0 0 * * Funday' },
      'has an invalid day-of-week field',
    ],
    ['uppercase column', { ACCOUNT_SYNC_COLUMNS: 'name,Telephone1' }, 'not valid: "Telephone1"'],
    [
      'column with space',
      { ACCOUNT_SYNC_COLUMNS: 'name,account number' },
      'not valid: "account number"',
    ],
    ['bad target', { SYNC_TARGET: 'queue' }, 'SYNC_TARGET: must be table or http'],
    [
      'http target without url',
      { SYNC_TARGET: 'http' },
      'SYNC_WEBHOOK_URL: is required when SYNC_TARGET=http',
    ],
    [
      'http webhook not loopback',
      { SYNC_TARGET: 'http', SYNC_WEBHOOK_URL: 'http://mirror.example.com/x' },
      'SYNC_WEBHOOK_URL: must use https',
    ],
    [
      'bad scope',
      { SYNC_WEBHOOK_SCOPE: 'mirror scope' },
      'SYNC_WEBHOOK_SCOPE: must be an Entra resource',
    ],
    [
      'short table name',
      { ACCOUNT_SYNC_TABLE_NAME: 'ab' },
      'ACCOUNT_SYNC_TABLE_NAME: must be an Azure table name',
    ],
    [
      'table name with dash',
      { ACCOUNT_SYNC_TABLE_NAME: 'my-accounts' },
      'ACCOUNT_SYNC_TABLE_NAME: must be an Azure table name',
    ],
    [
      'reserved table name',
      { ACCOUNT_SYNC_TABLE_NAME: 'Tables' },
      'ACCOUNT_SYNC_TABLE_NAME: must be an Azure table name',
    ],
    [
      'run seconds too low',
      { SYNC_MAX_RUN_SECONDS: '29' },
      'SYNC_MAX_RUN_SECONDS: must be a whole number from 30 to 1700',
    ],
    [
      'run seconds beyond the function timeout',
      { SYNC_MAX_RUN_SECONDS: '86400' },
      'SYNC_MAX_RUN_SECONDS: must be a whole number from 30 to 1700 (the host stops a run at functionTimeout, 30 minutes in host.json',
    ],
    [
      'page size zero',
      { SYNC_PAGE_SIZE: '0' },
      'SYNC_PAGE_SIZE: must be a whole number from 1 to 5000',
    ],
    [
      'page size above the service maximum',
      { SYNC_PAGE_SIZE: '10000' },
      'SYNC_PAGE_SIZE: must be a whole number from 1 to 5000',
    ],
    [
      'run seconds with unit',
      { SYNC_MAX_RUN_SECONDS: '1500s' },
      'SYNC_MAX_RUN_SECONDS: must be a whole number',
    ],
    [
      'negative cache',
      { HEALTH_CACHE_SECONDS: '-1' },
      'HEALTH_CACHE_SECONDS: must be a whole number from 0 to 3600',
    ],
    [
      'decimal days',
      { CREDENTIAL_EXPIRY_WARNING_DAYS: '1.5' },
      'CREDENTIAL_EXPIRY_WARNING_DAYS: must be a whole number from 0 to 365',
    ],
    ['no storage', { AzureWebJobsStorage: undefined }, 'AzureWebJobsStorage: is required'],
    [
      'storage not a connection string',
      { AzureWebJobsStorage: 'hello' },
      'AzureWebJobsStorage: is not a storage connection string',
    ],
    [
      'storage bad account',
      { AzureWebJobsStorage: undefined, AzureWebJobsStorage__accountName: 'Bad_Name' },
      'AzureWebJobsStorage__accountName: must be a storage account name',
    ],
    [
      'storage only table uri',
      {
        AzureWebJobsStorage: undefined,
        AzureWebJobsStorage__tableServiceUri: 'https://x.table.core.windows.net',
      },
      'AzureWebJobsStorage: is required',
    ],
    [
      'storage http uri',
      {
        AzureWebJobsStorage: undefined,
        AzureWebJobsStorage__accountName: 'abc',
        AzureWebJobsStorage__blobServiceUri: 'http://x.blob.core.windows.net',
      },
      'AzureWebJobsStorage__blobServiceUri: must use https',
    ],
    [
      'storage bad client id',
      {
        AzureWebJobsStorage: undefined,
        AzureWebJobsStorage__accountName: 'abc',
        AzureWebJobsStorage__clientId: 'me',
      },
      'AzureWebJobsStorage__clientId: must be a GUID',
    ],
    [
      'storage setting name',
      { SYNC_STORAGE: 'my storage' },
      'SYNC_STORAGE: must be the name of an app setting',
    ],
    [
      'named storage missing',
      { SYNC_STORAGE: 'MirrorStorage' },
      'MirrorStorage: is required',
    ],
  ])('%s', (_label, overrides, expected) => {
    const message = problemsOf(base(overrides));
    expect(message).toContain(expected);
    // Every problem line names a setting, says what is wrong and gives a valid example.
    for (const line of message.split('\n').slice(1)) {
      expect(line).toMatch(/^- [A-Za-z0-9_]+: .+\. Example: [A-Za-z0-9_]+=/);
    }
  });

  it('reports every problem in one ConfigurationError, one line each', () => {
    let caught: unknown;
    try {
      loadSettings({
        DATAVERSE_CLIENT_ID: 'nope',
        SYNC_TARGET: 'queue',
        HEALTH_CACHE_SECONDS: 'x',
      });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigurationError);
    const error = caught as ConfigurationError;
    expect(error.code).toBe('InvalidSettings');
    expect(error.step).toBe('settings');
    expect(error.retryable).toBe(false);
    const lines = error.message.split('\n');
    expect(lines[0]).toBe('7 app settings are missing or invalid:');
    expect(lines.slice(1).map((l) => l.slice(2, l.indexOf(':')))).toEqual([
      'DATAVERSE_TENANT_ID',
      'DATAVERSE_URL',
      'DATAVERSE_CLIENT_ID',
      'DATAVERSE_CREDENTIAL_TYPE',
      'AzureWebJobsStorage',
      'SYNC_TARGET',
      'HEALTH_CACHE_SECONDS',
    ]);
    expect(error.describe()).toContain('settings: 7 app settings are missing or invalid');
  });

  it.each<[string, Record<string, string | undefined>, string]>([
    ['secret with wrong type', { DATAVERSE_CREDENTIAL_TYPE: 'certificate' }, SECRET],
    [
      'secret alongside Key Vault',
      { KEY_VAULT_URL: 'https://kv.vault.azure.net', DATAVERSE_CREDENTIAL_NAME: 'x' },
      SECRET,
    ],
    [
      'storage connection string key',
      { AzureWebJobsStorage: 'AccountKey=TopSecretKey123==' },
      'TopSecretKey123',
    ],
    [
      'webhook function key',
      {
        SYNC_TARGET: 'http',
        SYNC_WEBHOOK_URL: 'http://example.com/hook?code=FunctionKey987',
      },
      'FunctionKey987',
    ],
    [
      'password in org URL',
      { DATAVERSE_URL: 'https://user:P4ssw0rd@contoso.crm.dynamics.com' },
      'P4ssw0rd',
    ],
  ])('never echoes a secret value (%s)', (_label, overrides, secret) => {
    let caught: unknown;
    try {
      loadSettings(base(overrides));
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigurationError);
    expect(JSON.stringify(caught)).not.toContain(secret);
    expect((caught as Error).message).not.toContain(secret);
    expect(String((caught as Error).stack)).not.toContain(secret);
  });
});

describe('loadSettings: settings of earlier versions', () => {
  it('names the new setting of each renamed one still set, with an example under the new name', () => {
    const message = problemsOf(
      base({ ACCOUNT_SYNC_SCHEDULE: '0 */5 * * * *', ACCOUNT_SYNC_TARGET: 'table' }),
    );
    expect(message.split('\n')).toEqual([
      '2 app settings are missing or invalid:',
      '- ACCOUNT_SYNC_SCHEDULE: was renamed to SYNC_SCHEDULE; rename the app setting (its value carries over unchanged). Example: SYNC_SCHEDULE=0 */15 * * * *',
      '- ACCOUNT_SYNC_TARGET: was renamed to SYNC_TARGET; rename the app setting (its value carries over unchanged). Example: SYNC_TARGET=table',
    ]);
  });

  it('reads every renamed name (none is ignored silently)', () => {
    for (const name of RENAMED_SETTING_NAMES) {
      expect(problemsOf(base({ [name]: 'x' }))).toContain(`- ${name}: was renamed to `);
    }
  });
});

describe('SETTING_NAMES', () => {
  it('lists every app setting loadSettings reads, each once', () => {
    const read = new Set<string>();
    const spy = new Proxy<Record<string, string | undefined>>(base(), {
      get(target, key) {
        if (typeof key === 'string') read.add(key);
        return target[key as string];
      },
    });
    loadSettings(spy);
    // The host's storage setting and the platform's managed-identity variables are not app settings.
    const platform = [...read].filter(
      (name) =>
        name.startsWith('AzureWebJobsStorage') ||
        RENAMED_SETTING_NAMES.includes(name) ||
        ['IDENTITY_ENDPOINT', 'MSI_ENDPOINT'].includes(name),
    );
    expect([...read].filter((name) => !platform.includes(name)).sort()).toEqual(
      [...SETTING_NAMES].filter((n) => read.has(n)).sort(),
    );
    expect(new Set(SETTING_NAMES).size).toBe(SETTING_NAMES.length);
    expect(SETTING_NAMES).toHaveLength(24);
  });
});
