import { inspect } from 'node:util';

import { RestError } from '@azure/core-rest-pipeline';
import { describe, expect, it } from 'vitest';

import { redactSecrets, sanitizeError, summarizeError } from '../../../src/lib/errors/sanitize';

const JWT = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl';

describe('redactSecrets', () => {
  it('removes known secret values, JWTs, bearer values, credential form fields and PEM blocks', () => {
    const text = [
      'secret=Sup3r~Secret.Value_0123',
      `token ${JWT}`,
      'Authorization: Bearer abc.def-ghi',
      'client_secret=xyz123&client_assertion=abc&scope=x',
      '{"access_token":"at-value","value":"kv-value"}',
      '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBg\n-----END PRIVATE KEY-----',
    ].join('\n');
    const redacted = redactSecrets(text, ['Sup3r~Secret.Value_0123']);
    for (const leaked of [
      'Sup3r~Secret',
      JWT,
      'abc.def-ghi',
      'xyz123',
      'at-value',
      'kv-value',
      'MIIEvQIBADANBg',
    ]) {
      expect(redacted).not.toContain(leaked);
    }
    expect(redacted).toContain('client_secret=[redacted]');
    expect(redacted).toContain('scope=x');
  });

  it('caps very long texts', () => {
    expect(redactSecrets('x'.repeat(5000)).length).toBeLessThan(700);
  });
});

describe('summarizeError / sanitizeError', () => {
  it('keeps status, code, message and request id of a RestError but none of its request or headers', () => {
    const error = new RestError('Caller is not authorized', {
      code: 'Forbidden',
      statusCode: 403,
      request: {
        url: 'https://kv.vault.azure.net/secrets/x',
        headers: { get: () => `Bearer ${JWT}` },
      } as never,
      response: {
        status: 403,
        headers: { get: (name: string) => (name === 'x-ms-request-id' ? 'req-1' : undefined) },
      } as never,
    });
    expect(summarizeError(error)).toEqual({
      name: 'RestError',
      message: 'Caller is not authorized',
      status: 403,
      code: 'Forbidden',
      requestId: 'req-1',
    });
    const safe = sanitizeError(error);
    expect(inspect(safe, { depth: 10 })).not.toContain(JWT);
    expect(JSON.stringify(safe)).not.toContain('Bearer');
    expect(Object.keys(safe)).not.toContain('request');
  });

  it('summarises non-errors too', () => {
    expect(summarizeError('plain text')).toMatchObject({ name: 'Error', message: 'plain text' });
    expect(summarizeError(undefined)).toMatchObject({ message: 'unknown error' });
  });
});
