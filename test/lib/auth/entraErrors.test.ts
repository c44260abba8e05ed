import { inspect } from 'node:util';

import { describe, expect, it } from 'vitest';

import {
  type EntraFailureContext,
  entraHint,
  isCredentialRejection,
  parseEntraErrorCode,
  parseEntraTraceId,
  toEntraError,
} from '../../../src/lib/auth/entraErrors';
import { AuthenticationError } from '../../../src/lib/errors';

const CLIENT_ID = 'aaaaaaaa-0000-4000-8000-000000000001';
const HOME = '11111111-1111-4111-8111-111111111111';
const CUSTOMER = '22222222-2222-4222-8222-222222222222';
const TRACE = '0c6f3a2e-8d7b-4b44-9a3c-2f1e0d9c8b7a';

const keyVaultContext: EntraFailureContext = {
  environment: 'contoso-prod',
  tenantId: HOME,
  defaultTenantId: HOME,
  clientId: CLIENT_ID,
  authorityHost: 'https://login.microsoftonline.com',
  credentialType: 'secret',
  materialOrigin: {
    kind: 'keyVault',
    vaultUrl: 'https://kv.vault.azure.net',
    name: 'dataverse-secret',
    version: 'v1',
  },
};

// What @azure/identity throws for an Entra error answer: MSAL's ServerError text re-wrapped.
function msalError(code: number, description: string): Error {
  const error = new Error(
    `invalid_client: Error(s): ${String(code)} - Timestamp: 2025-01-01 00:00:00Z - Description: AADSTS${String(code)}: ${description}\r\nTrace ID: ${TRACE}\r\nCorrelation ID: 6a7e - Correlation ID: x - Trace ID: ${TRACE}`,
  );
  error.name = 'AuthenticationRequiredError';
  return error;
}

describe('parseEntraErrorCode', () => {
  it('finds the AADSTS code in MSAL and Entra texts', () => {
    expect(parseEntraErrorCode('AADSTS7000215: Invalid client secret provided.')).toBe(
      'AADSTS7000215',
    );
    expect(parseEntraErrorCode('invalid_client: Error(s): 700016 - Timestamp: ...')).toBe(
      'AADSTS700016',
    );
    expect(parseEntraErrorCode('ECONNREFUSED 127.0.0.1:443')).toBeUndefined();
  });

  it('finds the trace id', () => {
    expect(parseEntraTraceId(`x\r\nTrace ID: ${TRACE}\r\n`)).toBe(TRACE);
  });

  it('treats only secret and certificate rejections as rotation triggers', () => {
    expect(['AADSTS7000215', 'AADSTS7000222', 'AADSTS700027'].every(isCredentialRejection)).toBe(
      true,
    );
    expect(isCredentialRejection('AADSTS700016')).toBe(false);
    expect(isCredentialRejection(undefined)).toBe(false);
  });
});

describe('entraHint', () => {
  it('7000215 names the Key Vault secret and the app, and says to store a new version', () => {
    expect(entraHint('AADSTS7000215', keyVaultContext)).toBe(
      `the client secret in Key Vault secret 'dataverse-secret' (version v1) in https://kv.vault.azure.net does not match any secret of app registration ${CLIENT_ID}: create a new client secret and store it in a new version of Key Vault secret 'dataverse-secret' in https://kv.vault.azure.net (picked up without a restart)`,
    );
  });

  it('7000222 says the secret expired and must be rotated; for a setting it names the setting', () => {
    const hint = entraHint('AADSTS7000222', {
      ...keyVaultContext,
      materialOrigin: { kind: 'setting' },
    });
    expect(hint).toContain('has expired');
    expect(hint).toContain('rotate');
    expect(hint).toContain('DATAVERSE_CLIENT_SECRET');
  });

  it('700016 in a customer tenant gives the admin consent URL of that tenant', () => {
    const hint = entraHint('AADSTS700016', { ...keyVaultContext, tenantId: CUSTOMER });
    expect(hint).toBe(
      `app ${CLIENT_ID} has no service principal in tenant ${CUSTOMER}: an administrator of ${CUSTOMER} must grant admin consent: https://login.microsoftonline.com/${CUSTOMER}/adminconsent?client_id=${CLIENT_ID}.`,
    );
  });

  it('700016 in the home tenant also points at DATAVERSE_CLIENT_ID', () => {
    expect(entraHint('AADSTS700016', keyVaultContext)).toContain('DATAVERSE_CLIENT_ID');
  });

  it('700027 gives the thumbprints to compare with the app registration', () => {
    const hint = entraHint('AADSTS700027', {
      ...keyVaultContext,
      credentialType: 'certificate',
      thumbprintSha1: 'AB12',
      thumbprintSha256: 'CD34',
    });
    expect(hint).toContain('SHA-1 thumbprint AB12');
    expect(hint).toContain('SHA-256 CD34');
    expect(hint).toContain(`not registered on app registration ${CLIENT_ID}`);
  });

  it('90002 says the tenant id is wrong and where it is configured', () => {
    expect(entraHint('AADSTS90002', { ...keyVaultContext, tenantId: CUSTOMER })).toContain(
      `tenant ${CUSTOMER} does not exist`,
    );
  });
});

describe('toEntraError', () => {
  it('keeps code, trace id, environment and hint, and redacts the secret from the cause', () => {
    const secret = 'Sup3r~Secret.Value_0123456789';
    const error = toEntraError(
      msalError(7000215, `Invalid client secret provided: ${secret}`),
      keyVaultContext,
      [secret],
    );
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error).toMatchObject({
      step: 'Entra token',
      environment: 'contoso-prod',
      code: 'AADSTS7000215',
      requestId: TRACE,
      retryable: false,
    });
    expect(error.describe()).toContain('Fix: the client secret in Key Vault secret');
    expect(inspect(error, { depth: 5 })).not.toContain(secret);
    expect(JSON.stringify(error)).not.toContain(secret);
  });

  it('marks failures without any answer as retryable', () => {
    const error = toEntraError(new Error('connect ECONNREFUSED 127.0.0.1:1'), keyVaultContext, []);
    expect(error.retryable).toBe(true);
    expect(error.code).toBeUndefined();
    expect(error.message).toContain('ECONNREFUSED');
  });
});
