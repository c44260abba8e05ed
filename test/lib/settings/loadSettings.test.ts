import { describe, expect, it } from 'vitest';

import { ConfigurationError } from '../../../src/lib/errors';
import { loadSettings, RENAMED_SETTING_NAMES, SETTING_NAMES } from '../../../src/lib/settings';
import { base, CLIENT, problemsOf, SECRET, TENANT } from './settingsFixture';

describe('loadSettings: defaults and normalisation', () => {
  it('applies every documented default', () => {
    const s = loadSettings(base());
    expect(s.environments).toEqual([
      {
        name: 'contoso',
        url: 'https://contoso.crm.dynamics.com',
        tenantId: TENANT,
        tables: [{ logicalName: 'account' }],
      },
    ]);
    expect(s.defaultTenantId).toBe(TENANT);
    expect(s.clientId).toBe(CLIENT);
    expect(s.credentialType).toBe('secret');
    expect(s.credentialSource).toEqual({ kind: 'secretValue', secret: SECRET });
    expect(s.managedIdentityClientId).toBeUndefined();
    expect(s.authorityHost).toBe('https://login.microsoftonline.com');
    // No labelLanguage: choice labels come in each organisation's base language.
    expect(s.sync).toEqual({
      schedule: '0 */15 * * * *',
      target: { kind: 'table', tablePrefix: 'dv' },
      storage: {
        settingName: 'AzureWebJobsStorage',
        connectionString: 'UseDevelopmentStorage=true',
      },
      jobsStorage: {
        settingName: 'AzureWebJobsStorage',
        connectionString: 'UseDevelopmentStorage=true',
      },
      maxRunSeconds: 600,
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
    expect(Object.isFrozen(s.environments[0]?.tables)).toBe(true);
    expect(Object.isFrozen(s.environments[0]?.tables[0])).toBe(true);
    expect(Object.isFrozen(s.sync.storage)).toBe(true);
    expect(Object.isFrozen(s.sync.jobsStorage)).toBe(true);
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
      { name, url, tenantId: TENANT, tables: [{ logicalName: 'account' }] },
    ]);
  });

  it('treats empty and whitespace-only values as unset (defaults apply)', () => {
    const s = loadSettings(
      base({ SYNC_SCHEDULE: '   ', HEALTH_CACHE_SECONDS: '', SYNC_TARGET: ' ' }),
    );
    expect(s.sync.schedule).toBe('0 */15 * * * *');
    expect(s.healthCacheSeconds).toBe(60);
    expect(s.sync.target).toEqual({ kind: 'table', tablePrefix: 'dv' });
  });

  it('reads several environments with per-environment tenants and tables', () => {
    const s = loadSettings(
      base({
        DATAVERSE_URL: undefined,
        SYNC_TABLES: 'account,new_project',
        DATAVERSE_ENVIRONMENTS: JSON.stringify([
          { name: 'contoso-prod', url: 'https://contoso.crm.dynamics.com/' },
          {
            name: 'Fabrikam2',
            url: 'https://fabrikam.crm4.dynamics.com',
            tenantId: 'Fabrikam.onmicrosoft.com',
            tables: 'contact(fullname,parentcustomerid)',
          },
        ]),
      }),
    );
    expect(s.environments).toEqual([
      {
        name: 'contoso-prod',
        url: 'https://contoso.crm.dynamics.com',
        tenantId: TENANT,
        // No "tables" of its own: SYNC_TABLES.
        tables: [{ logicalName: 'account' }, { logicalName: 'new_project' }],
      },
      {
        name: 'Fabrikam2',
        url: 'https://fabrikam.crm4.dynamics.com',
        tenantId: 'fabrikam.onmicrosoft.com',
        tables: [{ logicalName: 'contact', columns: ['fullname', 'parentcustomerid'] }],
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
      { SYNC_TABLE_PREFIX: 'Mirror2' },
      (s: ReturnType<typeof loadSettings>) => s.sync.target,
      { kind: 'table', tablePrefix: 'Mirror2' },
    ],
    [
      { SYNC_LABEL_LANGUAGE: '1031' },
      (s: ReturnType<typeof loadSettings>) => s.sync.labelLanguage,
      1031,
    ],
    [
      { SYNC_MAX_RUN_SECONDS: '30' },
      (s: ReturnType<typeof loadSettings>) => s.sync.maxRunSeconds,
      30,
    ],
    [{ SYNC_PAGE_SIZE: '500' }, (s: ReturnType<typeof loadSettings>) => s.sync.pageSize, 500],
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

describe('loadSettings: SYNC_TABLES and the mirror tables', () => {
  const tablesOf = (overrides: Record<string, string | undefined>) =>
    loadSettings(base(overrides)).environments[0]?.tables;

  it.each<[string, unknown]>([
    [
      'account,contact(fullname,parentcustomerid),new_project',
      [
        { logicalName: 'account' },
        { logicalName: 'contact', columns: ['fullname', 'parentcustomerid'] },
        { logicalName: 'new_project' },
      ],
    ],
    // Spaces around names and columns are dropped; a column given twice is kept once.
    [
      ' account , contact( fullname , _parentcustomerid_value ,fullname) ',
      [
        { logicalName: 'account' },
        { logicalName: 'contact', columns: ['fullname', '_parentcustomerid_value'] },
      ],
    ],
    ['new_project', [{ logicalName: 'new_project' }]],
  ])('SYNC_TABLES=%s', (value, expected) => {
    expect(tablesOf({ SYNC_TABLES: value })).toEqual(expected);
  });

  it('gives every environment without its own "tables" the SYNC_TABLES list (default account)', () => {
    expect(tablesOf({})).toEqual([{ logicalName: 'account' }]);
    expect(tablesOf({ SYNC_TABLES: '  ' })).toEqual([{ logicalName: 'account' }]);
  });

  it('accepts tables that share a mirror table name when the target is a webhook (no mirror tables)', () => {
    const s = loadSettings(
      base({
        SYNC_TABLES: 'new_project,newproject',
        SYNC_TARGET: 'http',
        SYNC_WEBHOOK_URL: 'https://mirror.example.com/api/x',
      }),
    );
    expect(s.environments[0]?.tables).toEqual([
      { logicalName: 'new_project' },
      { logicalName: 'newproject' },
    ]);
  });

  it('accepts a prefix that keeps the longest mirror table name within 63 characters', () => {
    const longest = `a${'b'.repeat(60)}`; // dv + 61 = 63 characters
    const s = loadSettings(base({ SYNC_TABLES: longest }));
    expect(s.sync.target).toEqual({ kind: 'table', tablePrefix: 'dv' });
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
        queueServiceUri: 'https://contosostore.queue.core.windows.net',
      },
    ],
    [
      {
        AzureWebJobsStorage: undefined,
        AzureWebJobsStorage__blobServiceUri: 'https://contosostore.blob.core.windows.net/',
        AzureWebJobsStorage__tableServiceUri: 'https://contosostore.table.core.windows.net',
        AzureWebJobsStorage__queueServiceUri: 'https://contosostore.queue.core.windows.net',
        AzureWebJobsStorage__clientId: CLIENT,
      },
      {
        settingName: 'AzureWebJobsStorage',
        blobServiceUri: 'https://contosostore.blob.core.windows.net',
        tableServiceUri: 'https://contosostore.table.core.windows.net',
        queueServiceUri: 'https://contosostore.queue.core.windows.net',
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

  it('uses the sync storage for the job queue when it is AzureWebJobsStorage', () => {
    const s = loadSettings(
      base({ AzureWebJobsStorage: undefined, AzureWebJobsStorage__accountName: 'contosostore' }),
    );
    expect(s.sync.jobsStorage).toBe(s.sync.storage);
  });

  it.each([
    [
      'a connection string',
      { SYNC_STORAGE: 'MirrorStorage', MirrorStorage: 'UseDevelopmentStorage=true' },
      { settingName: 'AzureWebJobsStorage', connectionString: 'UseDevelopmentStorage=true' },
    ],
    [
      'only the queue service URI',
      {
        SYNC_STORAGE: 'MirrorStorage',
        MirrorStorage: 'UseDevelopmentStorage=true',
        AzureWebJobsStorage: undefined,
        AzureWebJobsStorage__queueServiceUri: 'https://jobs.queue.core.windows.net/',
      },
      {
        settingName: 'AzureWebJobsStorage',
        queueServiceUri: 'https://jobs.queue.core.windows.net',
      },
    ],
    [
      'only the account name',
      {
        SYNC_STORAGE: 'MirrorStorage',
        MirrorStorage: 'UseDevelopmentStorage=true',
        AzureWebJobsStorage: undefined,
        AzureWebJobsStorage__accountName: 'jobs',
      },
      {
        settingName: 'AzureWebJobsStorage',
        queueServiceUri: 'https://jobs.queue.core.windows.net',
      },
    ],
  ])(
    'with SYNC_STORAGE elsewhere, reads the job queue from AzureWebJobsStorage given %s',
    (_label, overrides, expected) => {
      const s = loadSettings(base(overrides));
      expect(s.sync.storage.settingName).toBe('MirrorStorage');
      expect(s.sync.jobsStorage).toEqual(expected);
    },
  );
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
    ['timespan schedule', { SYNC_SCHEDULE: '00:05:00' }, 'SYNC_SCHEDULE: must be a 6-field'],
    ['second out of range', { SYNC_SCHEDULE: '60 * * * * *' }, 'has an invalid second field'],
    ['hour out of range', { SYNC_SCHEDULE: '0 0 24 * * *' }, 'has an invalid hour field'],
    ['zero step', { SYNC_SCHEDULE: '0 */0 * * * *' }, 'has an invalid minute field'],
    ['reversed range', { SYNC_SCHEDULE: '0 0 9-5 * * *' }, 'has an invalid hour field'],
    ['bad day name', { SYNC_SCHEDULE: '0 0 0 * * Funday' }, 'has an invalid day-of-week field'],
    [
      'tables: empty entry',
      { SYNC_TABLES: 'account,,contact' },
      'SYNC_TABLES: has an empty entry (two commas in a row, or a trailing comma)',
    ],
    ['tables: trailing comma', { SYNC_TABLES: 'account,' }, 'SYNC_TABLES: has an empty entry'],
    [
      'tables: unpaired parenthesis',
      { SYNC_TABLES: 'account,contact(fullname' },
      'SYNC_TABLES: has parentheses that do not pair up',
    ],
    [
      'tables: nested parentheses',
      { SYNC_TABLES: 'contact(fullname(x))' },
      'SYNC_TABLES: has parentheses that do not pair up',
    ],
    [
      'tables: two column lists',
      { SYNC_TABLES: 'contact(fullname)(emailaddress1)' },
      'SYNC_TABLES: has an entry that is not table or table(columns): "contact(fullname)(emailaddress1)"',
    ],
    [
      'tables: display name',
      { SYNC_TABLES: 'Account' },
      'SYNC_TABLES: names a table that is not a logical name (lowercase letters, digits, underscores): "Account"',
    ],
    [
      'tables: a table twice',
      { SYNC_TABLES: 'account,contact,account' },
      'SYNC_TABLES: lists table account twice',
    ],
    [
      'tables: uppercase column',
      { SYNC_TABLES: 'account(name,Telephone1)' },
      'SYNC_TABLES: lists columns of account that are not logical names: "Telephone1"',
    ],
    [
      'tables: column with a space',
      { SYNC_TABLES: 'account(name,account number)' },
      'SYNC_TABLES: lists columns of account that are not logical names: "account number"',
    ],
    [
      'tables: empty column list',
      { SYNC_TABLES: 'account()' },
      'SYNC_TABLES: lists columns of account that are not logical names: ""',
    ],
    [
      'tables: two tables, one mirror table',
      { SYNC_TABLES: 'new_project,newproject' },
      'SYNC_TABLES: tables new_project and newproject would share the mirror table dvnewproject',
    ],
    [
      'tables: two environments, one mirror table',
      {
        DATAVERSE_URL: undefined,
        DATAVERSE_ENVIRONMENTS: JSON.stringify([
          { name: 'a', url: 'https://a.crm.dynamics.com', tables: 'new_project' },
          { name: 'b', url: 'https://b.crm.dynamics.com', tables: 'newproject' },
        ]),
      },
      'SYNC_TABLES: tables new_project and newproject would share the mirror table dvnewproject',
    ],
    [
      'environment tables not a string',
      {
        DATAVERSE_URL: undefined,
        DATAVERSE_ENVIRONMENTS: JSON.stringify([
          { name: 'a', url: 'https://a.crm.dynamics.com', tables: ['account'] },
        ]),
      },
      'DATAVERSE_ENVIRONMENTS: entry 0 "tables" must be a string like SYNC_TABLES',
    ],
    [
      'environment tables invalid',
      {
        DATAVERSE_URL: undefined,
        DATAVERSE_ENVIRONMENTS: JSON.stringify([
          { name: 'a', url: 'https://a.crm.dynamics.com', tables: 'account,,contact' },
        ]),
      },
      'DATAVERSE_ENVIRONMENTS: entry 0 "tables" has an empty entry',
    ],
    [
      'prefix with underscore',
      { SYNC_TABLE_PREFIX: 'dv_' },
      'SYNC_TABLE_PREFIX: must be 1-20 letters or digits starting with a letter (mirror tables are named prefix + table), got "dv_"',
    ],
    [
      'prefix starting with a digit',
      { SYNC_TABLE_PREFIX: '1dv' },
      'SYNC_TABLE_PREFIX: must be 1-20 letters or digits starting with a letter',
    ],
    [
      'prefix too long',
      { SYNC_TABLE_PREFIX: 'p'.repeat(21) },
      'SYNC_TABLE_PREFIX: must be 1-20 letters or digits',
    ],
    [
      'mirror table name too long',
      { SYNC_TABLES: `a${'b'.repeat(61)}` },
      `SYNC_TABLE_PREFIX: gives table a${'b'.repeat(61)} the mirror table name dva${'b'.repeat(61)}, which Azure does not accept (3-63 letters or digits); use a shorter prefix`,
    ],
    [
      'mirror table name too short',
      { SYNC_TABLE_PREFIX: 'd', SYNC_TABLES: 'a' },
      'SYNC_TABLE_PREFIX: gives table a the mirror table name da, which Azure does not accept',
    ],
    [
      'label language as a culture name',
      { SYNC_LABEL_LANGUAGE: 'de-DE' },
      'SYNC_LABEL_LANGUAGE: must be a language code (LCID) such as 1033 for English or 1031 for German, got "de-DE"',
    ],
    [
      'label language out of range',
      { SYNC_LABEL_LANGUAGE: '1024' },
      'SYNC_LABEL_LANGUAGE: must be a language code (LCID)',
    ],
    [
      'label language too short',
      { SYNC_LABEL_LANGUAGE: '999' },
      'SYNC_LABEL_LANGUAGE: must be a language code (LCID)',
    ],
    ['bad target', { SYNC_TARGET: 'queue' }, 'SYNC_TARGET: must be table, http or postgres'],
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
      'storage identity-based without the queue',
      {
        AzureWebJobsStorage: undefined,
        AzureWebJobsStorage__blobServiceUri: 'https://x.blob.core.windows.net',
        AzureWebJobsStorage__tableServiceUri: 'https://x.table.core.windows.net',
      },
      'AzureWebJobsStorage: is required: a storage connection string, or identity-based AzureWebJobsStorage__accountName (or AzureWebJobsStorage__blobServiceUri, AzureWebJobsStorage__tableServiceUri, AzureWebJobsStorage__queueServiceUri); checkpoints live in blobs, mirrors in tables and the job queue in queues',
    ],
    [
      'job queue storage missing when the sync storage is elsewhere',
      {
        SYNC_STORAGE: 'MirrorStorage',
        MirrorStorage: 'UseDevelopmentStorage=true',
        AzureWebJobsStorage: undefined,
      },
      'AzureWebJobsStorage: is required: a storage connection string, or identity-based AzureWebJobsStorage__accountName (or AzureWebJobsStorage__queueServiceUri); the sync job queue lives there',
    ],
    [
      'job queue storage with only blob and table when the sync storage is elsewhere',
      {
        SYNC_STORAGE: 'MirrorStorage',
        MirrorStorage: 'UseDevelopmentStorage=true',
        AzureWebJobsStorage: undefined,
        AzureWebJobsStorage__blobServiceUri: 'https://x.blob.core.windows.net',
        AzureWebJobsStorage__tableServiceUri: 'https://x.table.core.windows.net',
      },
      'the sync job queue lives there',
    ],
    [
      'job queue uri over http',
      {
        SYNC_STORAGE: 'MirrorStorage',
        MirrorStorage: 'UseDevelopmentStorage=true',
        AzureWebJobsStorage: undefined,
        AzureWebJobsStorage__queueServiceUri: 'http://x.queue.core.windows.net',
      },
      'AzureWebJobsStorage__queueServiceUri: must use https',
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
    ['named storage missing', { SYNC_STORAGE: 'MirrorStorage' }, 'MirrorStorage: is required'],
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

  it('says how each setting replaced by SYNC_TABLES and SYNC_TABLE_PREFIX is expressed now', () => {
    const message = problemsOf(
      base({ ACCOUNT_SYNC_COLUMNS: 'name,revenue', ACCOUNT_SYNC_TABLE_NAME: 'accounts' }),
    );
    expect(message.split('\n')).toEqual([
      '2 app settings are missing or invalid:',
      '- ACCOUNT_SYNC_COLUMNS: was replaced by SYNC_TABLES, which lists tables and, in parentheses, their columns (without a list, every column of the table is copied). Example: SYNC_TABLES=account(name,accountnumber,revenue)',
      '- ACCOUNT_SYNC_TABLE_NAME: was replaced by SYNC_TABLE_PREFIX: each synced table gets its own mirror table named prefix + logical name (dvaccount, dvcontact); remove this setting. Example: SYNC_TABLE_PREFIX=dv',
    ]);
  });

  it('reads every renamed or replaced name (none is ignored silently)', () => {
    for (const name of RENAMED_SETTING_NAMES) {
      expect(problemsOf(base({ [name]: 'x' }))).toMatch(
        new RegExp(
          `^- ${name}: was (renamed to|replaced by) SYNC_[A-Z_]+[;,:] .*\\. Example: SYNC_[A-Z_]+=`,
          'm',
        ),
      );
    }
    expect(RENAMED_SETTING_NAMES).toEqual(
      expect.arrayContaining(['ACCOUNT_SYNC_COLUMNS', 'ACCOUNT_SYNC_TABLE_NAME']),
    );
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
    expect(SETTING_NAMES).toHaveLength(30);
    expect(SETTING_NAMES).toEqual(
      expect.arrayContaining(['SYNC_TABLES', 'SYNC_TABLE_PREFIX', 'SYNC_LABEL_LANGUAGE']),
    );
  });
});
