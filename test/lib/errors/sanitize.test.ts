import { inspect } from 'node:util';

import { RestError } from '@azure/core-rest-pipeline';
import { describe, expect, it } from 'vitest';

import {
  redactSecrets,
  redactSecretShapes,
  sanitizeError,
  summarizeError,
} from '../../../src/lib/errors/sanitize';

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

  it('keeps the older field patterns apart from a connection string', () => {
    expect(redactSecrets('Server=x;Password=Hunter2xyz;Database=y')).toBe(
      'Server=x;Password=[redacted];Database=y',
    );
  });

  it('caps very long texts', () => {
    expect(redactSecrets('x'.repeat(5000)).length).toBeLessThan(700);
  });
});

// Realistic values: an 88-character storage key, a SAS signature, a function key.
const ACCOUNT_KEY =
  'q8HbW3z0XQm2rT9Yk1vLpC4sN7uJfE6aGdH5iK0oP3wR8tZyXcVbN1mQ2lS4kD7fG9hJ0aW3eR5tY6uI8oP1Qq==';
const SIG = 'u8c3bK9fWm1xZ2%2BqLr7T0yPv4sN6jH5dQe3Ai8oBgC0%3D';
const FUNCTION_KEY = 'aZ3xQ9vB1nM7kL2pR8sT4wY6uE0iO5cD-_fG3hJ8kL1zX9cV7bN2m==';

describe('redactSecretShapes: keys, signatures and passwords in real error texts', () => {
  it.each<[string, string, string]>([
    [
      'a RestError message quoting a SAS URL',
      `RestError: This request is not authorized to perform this operation using this permission. Request URL: https://contosostore.blob.core.windows.net/account-sync/checkpoints/contoso.json?sv=2022-11-02&ss=bt&srt=sco&sp=rwdlacu&se=2026-01-01T00:00:00Z&st=2025-01-01T00:00:00Z&spr=https&sig=${SIG}`,
      SIG,
    ],
    [
      'a SAS signature first in the query',
      `GET https://contosostore.blob.core.windows.net/c/b?sig=${SIG}&sv=2022-11-02`,
      SIG,
    ],
    ['a bare SAS token', `token sv=2022-11-02&ss=b&srt=co&sp=rl&se=2030-01-01&sig=${SIG}`, SIG],
    [
      'a SAS URL URL-encoded inside another URL',
      `redirect https://x/cb?next=https%3A%2F%2Fa.blob.core.windows.net%2Fc%3Fsv%3D2022%26sig%3D${SIG}%26se%3D2030`,
      SIG,
    ],
    [
      'a connection string inside a message',
      `Could not connect with DefaultEndpointsProtocol=https;AccountName=contosostore;AccountKey=${ACCOUNT_KEY};EndpointSuffix=core.windows.net: ENOTFOUND`,
      ACCOUNT_KEY,
    ],
    [
      'a connection string with the key first',
      `AccountKey=${ACCOUNT_KEY};AccountName=contosostore`,
      ACCOUNT_KEY,
    ],
    [
      'a Service Bus connection string',
      `Endpoint=sb://contoso.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=${ACCOUNT_KEY.slice(0, 44)}`,
      ACCOUNT_KEY.slice(0, 44),
    ],
    [
      'a SAS connection string',
      `BlobEndpoint=https://contosostore.blob.core.windows.net/;SharedAccessSignature=sv=2022-11-02&ss=b&sig=${SIG}`,
      SIG,
    ],
    [
      'a function URL with ?code=',
      `Request failed with status code 500: POST https://mirror.azurewebsites.net/api/accounts?code=${FUNCTION_KEY}`,
      FUNCTION_KEY,
    ],
    [
      'a function URL with &code= after another parameter',
      `POST https://mirror.azurewebsites.net/api/accounts?clientId=default&code=${FUNCTION_KEY}#frag`,
      FUNCTION_KEY,
    ],
    ['a function key header', `x-functions-key: ${FUNCTION_KEY}`, FUNCTION_KEY],
    [
      'a Shared Key Authorization header',
      `Authorization: SharedKey contosostore:${ACCOUNT_KEY.slice(0, 44)}`,
      ACCOUNT_KEY.slice(0, 44),
    ],
    ['a JSON password', '{"user":"sync","password":"Hunter2-but-longer"}', 'Hunter2-but-longer'],
    [
      'a JSON client_secret',
      '{"client_id":"a","client_secret":"Abc8Q~secret.value_0123456789"}',
      'Abc8Q~secret.value_0123456789',
    ],
    ['a JSON AccountKey', `{"AccountName":"x","AccountKey":"${ACCOUNT_KEY}"}`, ACCOUNT_KEY],
    ['a JSON accountKey in camel case', `{"accountKey": "${ACCOUNT_KEY}"}`, ACCOUNT_KEY],
    [
      'a JSON password with an escaped quote',
      '{"password":"ab\\"cdefghijklmnop"}',
      'cdefghijklmnop',
    ],
    [
      'JSON quoted inside another JSON string',
      JSON.stringify({ body: JSON.stringify({ password: 'Hunter2-but-longer' }) }),
      'Hunter2-but-longer',
    ],
  ])('removes %s', (_label, text, secret) => {
    const redacted = redactSecretShapes(text);
    expect(redacted).not.toContain(secret);
    expect(redacted).toContain('[redacted]');
    expect(redactSecretShapes(redacted)).toBe(redacted);
  });

  it.each([
    'Dataverse answered 403 [0x80072560]: error code=0x80072560',
    'Example: AzureWebJobsStorage=DefaultEndpointsProtocol=https;AccountName=contosostorage;AccountKey=<key>;EndpointSuffix=core.windows.net',
    'GET https://contoso.crm.dynamics.com/api/data/v9.2/accounts?$deltatoken=919042%2108%2f22%2f2017',
    'https://contoso.crm.dynamics.com/api/data/v9.2/WhoAmI?api-version=9.2',
    'the signature of the SAS did not match; see the design',
    'the app setting SYNC_STORAGE takes the name of a setting',
  ])('leaves ordinary text alone: %s', (text) => {
    expect(redactSecretShapes(text)).toBe(text);
  });

  it('does not cap: a long settings error keeps every line', () => {
    const long = Array.from({ length: 40 }, (_, i) => `- SETTING_${String(i)}: is required`);
    expect(redactSecretShapes(long.join('\n'))).toBe(long.join('\n'));
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
