import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { createClientCertificate } from '@dataverse-s2s/testbed';
import { afterAll, describe, expect, it } from 'vitest';

import { loadLocalMaterial } from '../../../src/lib/auth/localSource';
import { AuthenticationError, ConfigurationError } from '../../../src/lib/errors';
import { rejectionOf } from './fixtures';

const directory = mkdtempSync(join(tmpdir(), 'auth-local-'));
const certificate = createClientCertificate({ commonName: 'local-file' });

afterAll(() => {
  rmSync(directory, { recursive: true, force: true });
});

function write(name: string, content: string | Buffer): string {
  const path = join(directory, name);
  writeFileSync(path, content);
  return path;
}

describe('loadLocalMaterial', () => {
  it('uses DATAVERSE_CLIENT_SECRET as is, expiry unknown', async () => {
    await expect(
      loadLocalMaterial({ kind: 'secretValue', secret: 'local-secret-value' }, 'secret'),
    ).resolves.toEqual({
      type: 'secret',
      secret: 'local-secret-value',
      origin: { kind: 'setting' },
      expiresOn: undefined,
    });
  });

  it.each([
    ['a PEM file with key and certificate', 'client.pem', certificate.pemBundle],
    ['a .pfx file without password', 'client.pfx', Buffer.from(certificate.pfxBase64, 'base64')],
    ['a .p12 file without password', 'client.p12', Buffer.from(certificate.pfxBase64, 'base64')],
  ])('reads %s', async (_label, name, content) => {
    const path = write(name, content);
    const material = await loadLocalMaterial({ kind: 'certificateFile', path }, 'certificate');
    expect(material).toMatchObject({ type: 'certificate', origin: { kind: 'file', path } });
    expect(material.type === 'certificate' && material.certificate.thumbprintSha256).toBe(
      certificate.thumbprintSha256Hex.toUpperCase(),
    );
  });

  it('names the file when it is missing or unusable, without quoting it', async () => {
    const missing = await rejectionOf(
      loadLocalMaterial(
        { kind: 'certificateFile', path: join(directory, 'nope.pem') },
        'certificate',
      ),
    );
    expect(missing).toBeInstanceOf(AuthenticationError);
    expect(missing).toMatchObject({ step: 'certificate parse', code: 'ENOENT' });
    const keyOnly = write('key-only.pem', certificate.privateKeyPem);
    const unusable = await rejectionOf(
      loadLocalMaterial({ kind: 'certificateFile', path: keyOnly }, 'certificate'),
    );
    expect((unusable as Error).message).toContain(keyOnly);
    expect(JSON.stringify(unusable) + String(unusable)).not.toContain('PRIVATE KEY');
  });

  it('refuses a credential that does not match DATAVERSE_CREDENTIAL_TYPE', async () => {
    await expect(
      loadLocalMaterial({ kind: 'secretValue', secret: 'local-secret-value' }, 'certificate'),
    ).rejects.toBeInstanceOf(ConfigurationError);
  });
});
