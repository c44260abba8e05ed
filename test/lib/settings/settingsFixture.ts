import { expect } from 'vitest';

import { ConfigurationError } from '../../../src/lib/errors';
import { loadSettings } from '../../../src/lib/settings';

export const TENANT = '11111111-2222-3333-4444-555555555555';
export const CLIENT = 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee';
export const SECRET = 'Sup3r~Secret.Value_that-must-never-leak';

/** A complete, valid set for the local-development path (secret in a setting). */
export function base(
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

/** The one-message ConfigurationError loadSettings throws for `env`. */
export function problemsOf(env: Record<string, string | undefined>): string {
  try {
    loadSettings(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigurationError);
    return (error as ConfigurationError).message;
  }
  throw new Error('expected loadSettings to throw');
}
