import { RestError } from '@azure/core-rest-pipeline';
import { describe, expect, it } from 'vitest';

import { toKeyVaultError, vaultNameOf } from '../../../src/lib/auth/keyVaultErrors';
import { AuthenticationError } from '../../../src/lib/errors';

const context = {
  vaultUrl: 'https://contoso-kv.vault.azure.net',
  secretName: 'dataverse-secret',
  principal: { objectId: undefined, appId: undefined },
  managedIdentityClientId: undefined,
};

describe('toKeyVaultError', () => {
  it('403 from RBAC: takes the caller from the message and gives the az command for the vault', () => {
    const oid = '3f2504e0-4f89-41d3-9a0c-0305e82c3301';
    const error = toKeyVaultError(
      new RestError(
        `Caller is not authorized to perform action on resource.\r\nCaller: appid=3f2504e0-4f89-41d3-9a0c-0305e82c3302;oid=${oid};iss=x\r\n`,
        {
          statusCode: 403,
          code: 'Forbidden',
        },
      ),
      context,
    );
    expect(error).toMatchObject({
      step: 'Key Vault read',
      status: 403,
      code: 'Forbidden',
      retryable: false,
    });
    expect(error.hint).toContain(`--assignee-object-id ${oid}`);
    expect(error.hint).toContain('az keyvault show --name contoso-kv');
  });

  it('403 for a disabled secret is reported as SecretDisabled', () => {
    const error = toKeyVaultError(
      new RestError('Operation get is not allowed on a disabled secret.', {
        statusCode: 403,
        code: 'Forbidden',
      }),
      context,
    );
    expect(error.code).toBe('SecretDisabled');
    expect(error.message).toContain('is disabled');
  });

  it('network failures are retryable and point at the network path', () => {
    const error = toKeyVaultError(
      new RestError('getaddrinfo ENOTFOUND', { code: 'ENOTFOUND' }),
      context,
    );
    expect(error).toMatchObject({ retryable: true, code: 'ENOTFOUND' });
    expect(error.hint).toContain('KEY_VAULT_URL');
  });

  it('passes our own errors (from the managed identity step) through unchanged', () => {
    const ours = new AuthenticationError('mi failed', { step: 'managed identity token' });
    expect(toKeyVaultError(ours, context)).toBe(ours);
  });

  it('vaultNameOf keeps IP hosts whole', () => {
    expect(vaultNameOf('https://contoso-kv.vault.azure.net/')).toBe('contoso-kv');
    expect(vaultNameOf('https://127.0.0.1:8443')).toBe('127.0.0.1');
  });
});
