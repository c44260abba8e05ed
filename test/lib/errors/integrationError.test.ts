import { RestError } from '@azure/core-rest-pipeline';
import { describe, expect, it } from 'vitest';

import { describeError, IntegrationError } from '../../../src/lib/errors';

const SIG = 'u8c3bK9fWm1xZ2%2BqLr7T0yPv4sN6jH5dQe3Ai8oBgC0%3D';
const SAS_URL = `https://contosostore.blob.core.windows.net/account-sync/locks/contoso?comp=lease&sv=2022-11-02&sp=rw&sig=${SIG}`;
const ACCOUNT_KEY =
  'q8HbW3z0XQm2rT9Yk1vLpC4sN7uJfE6aGdH5iK0oP3wR8tZyXcVbN1mQ2lS4kD7fG9hJ0aW3eR5tY6uI8oP1Qq==';
const FUNCTION_KEY = 'aZ3xQ9vB1nM7kL2pR8sT4wY6uE0iO5cD-_fG3hJ8kL1zX9cV7bN2m==';

describe('IntegrationError.describe() and describeError() go through the sanitiser', () => {
  it('describe() removes a SAS signature, an account key and a function key from message and hint', () => {
    const error = new IntegrationError(`Storage refused ${SAS_URL}`, {
      step: 'renew lease',
      environment: 'contoso',
      status: 403,
      code: 'AuthorizationFailure',
      hint: `Check AccountKey=${ACCOUNT_KEY} and https://mirror.azurewebsites.net/api/accounts?code=${FUNCTION_KEY}`,
    });

    const text = error.describe();

    for (const secret of [SIG, ACCOUNT_KEY, FUNCTION_KEY]) expect(text).not.toContain(secret);
    expect(text).toContain('contoso / renew lease: Storage refused https://contosostore');
    expect(text).toContain('sig=[redacted]');
    expect(text).toContain('[AuthorizationFailure] (HTTP 403)');
  });

  it('describeError() sanitises a raw Azure SDK error and a plain Error', () => {
    const restError = new RestError(`Lease renewal failed for ${SAS_URL}`, {
      statusCode: 403,
      code: 'AuthenticationFailed',
    });
    const plain = new Error(`bad connection string AccountKey=${ACCOUNT_KEY};AccountName=x`);

    expect(describeError(restError)).not.toContain(SIG);
    expect(describeError(restError)).toContain('RestError: Lease renewal failed for https://');
    expect(describeError(plain)).not.toContain(ACCOUNT_KEY);
    expect(describeError(`{"password":"Hunter2-but-longer"}`)).not.toContain('Hunter2');
  });

  it('describeError() sanitises what a look-alike error family member describes', () => {
    const lookAlike = Object.assign(new Error('x'), {
      step: 'webhook',
      describe: () => `webhook: POST https://h/api/accounts?code=${FUNCTION_KEY} failed`,
    });
    expect(describeError(lookAlike)).toBe(
      'webhook: POST https://h/api/accounts?code=[redacted] failed',
    );
  });

  it('keeps a long settings error whole', () => {
    const lines = Array.from({ length: 30 }, (_, i) => `- SETTING_${String(i)}: is required`);
    const error = new IntegrationError(lines.join('\n'), { step: 'settings' });
    expect(error.describe()).toContain('SETTING_29: is required');
  });
});
