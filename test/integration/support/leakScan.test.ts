import { describe, expect, it } from 'vitest';

import { findLeaks, findSecretShapes, maskSecret, searchTermsOf, VisibleOutput } from './leakScan';

const token =
  'eyJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJodHRwczovL3gifQ.c2lnbmF0dXJlLW9mLXRoZS10b2tlbi1oZXJl';
const keyBody = 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7';

describe('leak scan helper', () => {
  it('finds a secret in a log line and names where, without repeating the secret', () => {
    const output = new VisibleOutput();
    output.logger().warn(`retrying with secret Abc~defghijklmnop0123 now`);
    const leaks = findLeaks(output.texts, ['Abc~defghijklmnop0123']);
    expect(leaks).toEqual([
      {
        secret: maskSecret('Abc~defghijklmnop0123'),
        source: 'log:warn',
        before: 'retrying with secret ',
      },
    ]);
    expect(JSON.stringify(leaks)).not.toContain('Abc~defghijklmnop0123');
  });

  it("finds a token's signature quoted alone", () => {
    const signature = token.split('.')[2] ?? '';
    expect(searchTermsOf([token])).toEqual([token, signature]);
    expect(findLeaks([{ source: 'body', text: `sig=${signature}` }], [token])).toHaveLength(1);
  });

  it('finds a key body quoted with line breaks', () => {
    const wrapped = `${keyBody.slice(0, 20)}\n${keyBody.slice(20)}`;
    expect(findLeaks([{ source: 'body', text: wrapped }], [keyBody])).toHaveLength(1);
  });

  it('ignores strings too short to be secrets and clean text', () => {
    expect(
      findLeaks([{ source: 'body', text: 'abc 123' }], ['abc', 'not-in-the-text-at-all']),
    ).toEqual([]);
  });

  it('flags Authorization headers and PEM private keys whatever their value', () => {
    const texts = [
      { source: 'a', text: 'Authorization: Bearer eyJ0eXAi.payload.sig' },
      { source: 'b', text: '-----BEGIN PRIVATE KEY-----' },
      { source: 'c', text: 'Bearer token refreshed' },
    ];
    expect(findSecretShapes(texts).map((t) => t.source)).toEqual(['a', 'b']);
  });

  it('keeps log lines apart from bodies', () => {
    const output = new VisibleOutput();
    output.logger().info('ready');
    output.add('body:200', '{}');
    expect(output.logLines()).toEqual(['info: ready']);
    expect(output.texts).toHaveLength(2);
  });
});
