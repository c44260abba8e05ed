import { AZURITE_ACCOUNT_KEY, startTestBed } from '@dataverse-s2s/testbed';
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

  it('finds a truncated quote of a key (66 of its 88 characters, as a shortened value shows it)', () => {
    const text = `AzureWebJobsStorage: got "DefaultEndpointsProtocol=https;AccountName=x;AccountKey=${AZURITE_ACCOUNT_KEY.slice(0, 66)}..."`;
    expect(findLeaks([{ source: 'log:error', text }], [AZURITE_ACCOUNT_KEY])).toEqual([
      {
        secret: maskSecret(AZURITE_ACCOUNT_KEY),
        source: 'log:error',
        before: 'Protocol=https;AccountName=x;AccountKey=',
      },
    ]);
  });

  it('finds any 12 characters of a secret in a row, and no fewer', () => {
    for (let at = 0; at + 12 <= AZURITE_ACCOUNT_KEY.length; at += 7) {
      const fragment = AZURITE_ACCOUNT_KEY.slice(at, at + 12);
      expect(
        findLeaks([{ source: 'b', text: `x ${fragment} y` }], [AZURITE_ACCOUNT_KEY]),
      ).toHaveLength(1);
      expect(
        findLeaks([{ source: 'b', text: `x ${fragment.slice(1)} y` }], [AZURITE_ACCOUNT_KEY]),
      ).toEqual([]);
    }
  });

  it("does not take a token's header, shared by every token, for a quote of the token", () => {
    const header = token.split('.')[0] ?? '';
    expect(findLeaks([{ source: 'b', text: `alg ${header}` }], [token])).toEqual([]);
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

  it('flags account keys, SAS signatures and function keys whatever their value, not redacted ones', () => {
    const texts = [
      { source: 'key', text: `AccountName=x;AccountKey=${AZURITE_ACCOUNT_KEY};` },
      {
        source: 'sak',
        text: 'Endpoint=sb://x/;SharedAccessKeyName=a;SharedAccessKey=q1w2e3r4t5y6u7i8o9p0AbCd=',
      },
      {
        source: 'sas',
        text: 'GET https://x.blob.core.windows.net/c?sv=2024-08-04&sig=Zm9vYmFyYmF6cXV4MTIzNA%3D%3D',
      },
      {
        source: 'fn',
        text: 'POST https://x.azurewebsites.net/api/hook?code=aBcDeFgHiJkLmNoPqRsTuVwXyZ012345-_==',
      },
      {
        source: 'redacted',
        text: 'AccountKey=[redacted];…?sv=2024&sig=[redacted] ?code=[redacted]',
      },
      { source: 'example', text: 'Example: AccountKey=<key>; the error code=0x80072560' },
    ];
    expect(findSecretShapes(texts).map((t) => t.source)).toEqual(['key', 'sak', 'sas', 'fn']);
  });

  it('keeps log lines apart from bodies', () => {
    const output = new VisibleOutput();
    output.logger().info('ready');
    output.add('body:200', '{}');
    expect(output.logLines()).toEqual(['info: ready']);
    expect(output.texts).toHaveLength(2);
  });
});

describe('the test bed plants storage keys and SAS tokens', () => {
  it('a test that logs the Azurite key or a planted SAS signature fails the scan', async () => {
    const bed = await startTestBed({ azurite: true });
    try {
      const sas =
        'sv=2024-08-04&ss=b&srt=co&sp=rl&se=2030-01-01&sig=c2lnbmF0dXJlLW9mLXRoZS1zYXM%3D';
      bed.plantSecret('c2lnbmF0dXJlLW9mLXRoZS1zYXM%3D');
      const output = new VisibleOutput();
      output.logger().info('nothing to see');
      expect(findLeaks(output.texts, bed.plantedSecrets())).toEqual([]);

      output.logger().error(`storage failed: ${bed.appSettings()['AzureWebJobsStorage'] ?? ''}`);
      output.add('body:503', JSON.stringify({ output: `GET https://x/c?${sas}` }));

      const leaks = findLeaks(output.texts, bed.plantedSecrets());
      expect(leaks.map((leak) => [leak.source, leak.secret])).toEqual([
        ['log:error', maskSecret(AZURITE_ACCOUNT_KEY)],
        ['body:503', maskSecret('c2lnbmF0dXJlLW9mLXRoZS1zYXM%3D')],
      ]);
    } finally {
      await bed.stop();
    }
  });
});
