import { randomBytes } from 'node:crypto';

import { describe, expect, it } from 'vitest';

import { ConfigurationError } from '../../../src/lib/errors';
import { loadSettings } from '../../../src/lib/settings';

/** A storage account key as Azure issues them: 64 random bytes, 88 base64 characters. */
const ACCOUNT_KEY = randomBytes(64).toString('base64');
// Key first: a value shortened to 77 characters used to show 66 of the key's 88.
const CONNECTION_STRING = `AccountKey=${ACCOUNT_KEY};AccountName=contosostore;DefaultEndpointsProtocol=https;EndpointSuffix=core.windows.net`;
const SAS_SIGNATURE = encodeURIComponent(randomBytes(32).toString('base64'));
const SAS_URL = `https://contosostore.blob.core.windows.net/?sv=2022-11-02&ss=bt&srt=sco&sp=rwdlacu&se=2030-01-01T00:00:00Z&sig=${SAS_SIGNATURE}`;
// Always holding a '-' (as most issued keys do), so it is never by chance a valid table name.
const FUNCTION_KEY = `${randomBytes(20).toString('base64url')}-${randomBytes(20).toString('base64url')}`;
const FUNCTION_URL = `https://mirror.azurewebsites.net/api/accounts?code=${FUNCTION_KEY}`;
const PASSWORD = 'Pa55w0rd-' + randomBytes(12).toString('hex');
const JSON_WITH_PASSWORD = JSON.stringify({ user: 'sync', password: PASSWORD });

/** The settings module's own valid baseline (local secret, development storage). */
function base(overrides: Record<string, string | undefined>): Record<string, string | undefined> {
  return {
    DATAVERSE_URL: 'https://contoso.crm.dynamics.com',
    DATAVERSE_TENANT_ID: '11111111-2222-3333-4444-555555555555',
    DATAVERSE_CLIENT_ID: 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee',
    DATAVERSE_CREDENTIAL_TYPE: 'secret',
    DATAVERSE_CLIENT_SECRET: 'local-secret-value-of-enough-length',
    AzureWebJobsStorage: 'UseDevelopmentStorage=true',
    ...overrides,
  };
}

function errorOf(env: Record<string, string | undefined>): ConfigurationError {
  try {
    loadSettings(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigurationError);
    return error as ConfigurationError;
  }
  throw new Error('expected loadSettings to throw');
}

/** Every run of 12 characters of `secret` that occurs in `text` (none, when nothing leaked). */
function fragmentsIn(text: string, secret: string): string[] {
  const found: string[] = [];
  for (let at = 0; at + 12 <= secret.length; at++) {
    const fragment = secret.slice(at, at + 12);
    if (text.includes(fragment)) found.push(fragment);
  }
  return found;
}

/** Everything of the error an operator could see: message, describe(), stack, JSON. */
function visibleText(error: ConfigurationError): string {
  return [error.message, error.describe(), String(error.stack), JSON.stringify(error)].join('\n');
}

describe('SYNC_STORAGE holding a connection string instead of a setting name', () => {
  it('says what is wrong with a valid example and quotes no part of the key', () => {
    const error = errorOf(base({ SYNC_STORAGE: CONNECTION_STRING }));

    expect(fragmentsIn(visibleText(error), ACCOUNT_KEY)).toEqual([]);
    const line = error.message.split('\n').find((l) => l.startsWith('- SYNC_STORAGE:'));
    expect(line).toContain('looks like a storage connection string');
    expect(line).toContain('takes the NAME of the app setting that holds one');
    expect(line).toMatch(/Example: SYNC_STORAGE=AzureWebJobsStorage$/);
    expect(visibleText(error)).not.toContain('AccountKey=');
  });

  it.each([
    ['a SAS URL', SAS_URL, SAS_SIGNATURE],
    ['a function URL', FUNCTION_URL, FUNCTION_KEY],
  ])('quotes no part of %s either', (_label, value, secret) => {
    const error = errorOf(base({ SYNC_STORAGE: value }));
    expect(fragmentsIn(visibleText(error), secret)).toEqual([]);
    expect(error.message).toContain('SYNC_STORAGE: must be the name of an app setting');
    expect(error.message).toContain('it looks like a URL');
  });
});

describe('settings that quote a bad value never quote a secret pasted into them', () => {
  const QUOTING_SETTINGS = [
    'DATAVERSE_CREDENTIAL_TYPE',
    'SYNC_TARGET',
    'SYNC_TABLE_PREFIX',
    'SYNC_LABEL_LANGUAGE',
    'SYNC_SCHEDULE',
    'SYNC_MAX_RUN_SECONDS',
    'HEALTH_CACHE_SECONDS',
    'CREDENTIAL_EXPIRY_WARNING_DAYS',
    'AzureWebJobsStorage__accountName',
  ];
  const PASTED: readonly (readonly [string, string, string, string])[] = [
    ['a connection string', CONNECTION_STRING, ACCOUNT_KEY, 'a storage connection string'],
    ['a SAS URL', SAS_URL, SAS_SIGNATURE, 'a URL'],
    ['a function URL', FUNCTION_URL, FUNCTION_KEY, 'a URL'],
    ['JSON with a password', JSON_WITH_PASSWORD, PASSWORD, 'JSON'],
    ['a bare function key', FUNCTION_KEY, FUNCTION_KEY, 'could hold a secret'],
  ];
  const cases = QUOTING_SETTINGS.flatMap((setting) =>
    PASTED.map(([label, value, secret, shape]) => [setting, label, value, secret, shape] as const),
  );

  it.each(cases)('%s holding %s', (setting, _label, value, secret, shape) => {
    const storage = setting.startsWith('AzureWebJobsStorage')
      ? { AzureWebJobsStorage: undefined }
      : {};
    const error = errorOf(base({ ...storage, [setting]: value }));

    expect(fragmentsIn(visibleText(error), secret)).toEqual([]);
    const line = error.message.split('\n').find((l) => l.startsWith(`- ${setting}:`));
    expect(line).toContain('a value that is not repeated here');
    expect(line).toContain(shape);
  });

  // ACCOUNT_SYNC_COLUMNS and ACCOUNT_SYNC_TABLE_NAME used to quote their value; now any value
  // only earns "was replaced by": a secret pasted into them must not be quoted either.
  it.each(
    ['ACCOUNT_SYNC_COLUMNS', 'ACCOUNT_SYNC_TABLE_NAME'].flatMap((setting) =>
      PASTED.map(([label, value, secret]) => [setting, label, value, secret] as const),
    ),
  )('%s (replaced) holding %s', (setting, _label, value, secret) => {
    const error = errorOf(base({ [setting]: value }));
    expect(fragmentsIn(visibleText(error), secret)).toEqual([]);
    expect(error.message).toContain(`- ${setting}: was replaced by `);
  });

  // A table list is parsed, not quoted whole: a secret pasted as the list, as a column list or
  // as an environment's "tables" must reach no error text either (it did, 40 characters of it,
  // before parseTables quoted names through shown()).
  it('SYNC_TABLES and an environment\'s "tables" holding a connection string quote no part of the key', () => {
    const environments = JSON.stringify([
      { name: 'a', url: 'https://a.crm.dynamics.com', tables: CONNECTION_STRING },
    ]);
    for (const overrides of [
      { SYNC_TABLES: CONNECTION_STRING },
      { SYNC_TABLES: `account(${CONNECTION_STRING})` },
      { DATAVERSE_URL: undefined, DATAVERSE_ENVIRONMENTS: environments },
    ]) {
      const error = errorOf(base(overrides));
      expect(fragmentsIn(visibleText(error), ACCOUNT_KEY)).toEqual([]);
      expect(error.message).toContain('a value that is not repeated here');
    }
  });

  it('still quotes an ordinary wrong value, so the operator sees the typo', () => {
    const error = errorOf(base({ SYNC_TARGET: 'queue', SYNC_SCHEDULE: '0 */5 * * *' }));
    expect(error.message).toContain('SYNC_TARGET: must be table, http or postgres, got "queue"');
    expect(error.message).toContain('got "0 */5 * * *"');
  });
});
