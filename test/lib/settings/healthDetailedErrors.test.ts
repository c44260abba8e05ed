import { describe, expect, it } from 'vitest';

import { ConfigurationError } from '../../../src/lib/errors';
import {
  healthDetailedErrorsRequested,
  loadSettings,
  SETTING_NAMES,
} from '../../../src/lib/settings';

const VALID = {
  DATAVERSE_URL: 'https://contoso.crm.dynamics.com',
  DATAVERSE_TENANT_ID: '11111111-2222-3333-4444-555555555555',
  DATAVERSE_CLIENT_ID: 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee',
  DATAVERSE_CREDENTIAL_TYPE: 'secret',
  DATAVERSE_CLIENT_SECRET: 'local-secret-value-of-enough-length',
  AzureWebJobsStorage: 'UseDevelopmentStorage=true',
};

describe('HEALTH_DETAILED_ERRORS', () => {
  it('is an app setting, off unless set', () => {
    expect(SETTING_NAMES).toContain('HEALTH_DETAILED_ERRORS');
    expect(loadSettings(VALID).healthDetailedErrors).toBe(false);
    expect(loadSettings({ ...VALID, HEALTH_DETAILED_ERRORS: '' }).healthDetailedErrors).toBe(false);
  });

  it.each([
    ['true', true],
    ['TRUE', true],
    [' true ', true],
    ['false', false],
    ['False', false],
  ])('reads %j as %s', (value, expected) => {
    expect(loadSettings({ ...VALID, HEALTH_DETAILED_ERRORS: value }).healthDetailedErrors).toBe(
      expected,
    );
    expect(healthDetailedErrorsRequested({ HEALTH_DETAILED_ERRORS: value })).toBe(expected);
  });

  it('rejects anything else with one message naming the setting and a valid example', () => {
    let caught: unknown;
    try {
      loadSettings({ ...VALID, HEALTH_DETAILED_ERRORS: 'yes' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigurationError);
    expect((caught as ConfigurationError).message).toBe(
      '1 app setting is missing or invalid:\n- HEALTH_DETAILED_ERRORS: must be true or false, got "yes". Example: HEALTH_DETAILED_ERRORS=false',
    );
  });

  it('read alone (for a start that failed), only an explicit true asks for detail', () => {
    expect(healthDetailedErrorsRequested({})).toBe(false);
    expect(healthDetailedErrorsRequested({ HEALTH_DETAILED_ERRORS: 'yes' })).toBe(false);
    expect(healthDetailedErrorsRequested({ HEALTH_DETAILED_ERRORS: '1' })).toBe(false);
  });
});
