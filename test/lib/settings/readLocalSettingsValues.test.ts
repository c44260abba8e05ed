import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { ConfigurationError } from '../../../src/lib/errors';
import {
  managedIdentityEndpointAvailable,
  readLocalSettingsValues,
} from '../../../src/lib/settings';

describe('readLocalSettingsValues', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'local-settings-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  function write(content: string): string {
    const path = join(dir, 'local.settings.json');
    writeFileSync(path, content);
    return path;
  }

  it('returns the file Values with real environment variables winning', () => {
    const path = write(
      '\uFEFF' +
        JSON.stringify({
          IsEncrypted: false,
          Values: { DATAVERSE_URL: 'https://file.crm.dynamics.com', HEALTH_CACHE_SECONDS: '5' },
        }),
    );
    const values = readLocalSettingsValues(path, {
      DATAVERSE_URL: 'https://env.crm.dynamics.com',
      OTHER: 'x',
      UNSET: undefined,
    });
    expect(values).toEqual({
      DATAVERSE_URL: 'https://env.crm.dynamics.com',
      HEALTH_CACHE_SECONDS: '5',
      OTHER: 'x',
    });
  });

  it.each([
    ['missing file', undefined, 'file not found'],
    ['not JSON', '{Values:', 'is not valid JSON'],
    ['encrypted', JSON.stringify({ IsEncrypted: true, Values: {} }), 'is encrypted'],
    ['Values not an object', JSON.stringify({ Values: [] }), '"Values" must be an object'],
    ['non-string value', JSON.stringify({ Values: { A: 1 } }), '"Values.A" must be a string'],
  ])('fails clearly on %s', (_label, content, expected) => {
    const path = content === undefined ? join(dir, 'absent.json') : write(content);
    expect(() => readLocalSettingsValues(path, {})).toThrow(ConfigurationError);
    expect(() => readLocalSettingsValues(path, {})).toThrow(expected);
  });

  it('never quotes values from the file in its errors', () => {
    const path = write('{"Values":{"DATAVERSE_CLIENT_SECRET":"ShhSecret42", "N": 1}}');
    expect(() => readLocalSettingsValues(path, {})).toThrow(/^(?!.*ShhSecret42)/s);
  });
});

describe('managedIdentityEndpointAvailable', () => {
  it.each([
    [{ IDENTITY_ENDPOINT: 'http://127.0.0.1:41741/msi/token' }, true],
    [{ MSI_ENDPOINT: 'http://127.0.0.1:41741/msi/token' }, true],
    [{ IDENTITY_ENDPOINT: ' ' }, false],
    [{}, false],
  ])('%o → %s', (env, expected) => {
    expect(managedIdentityEndpointAvailable(env)).toBe(expected);
  });
});
