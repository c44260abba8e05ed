import { execFileSync } from 'node:child_process';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { createClientCertificate } from '@dataverse-s2s/testbed';
import forge from 'node-forge';
import { afterAll, describe, expect, it } from 'vitest';

import {
  CertificateFormatError,
  certificateFromSecretValue,
  pfxToPem,
  readCertificatePem,
} from '../../../src/lib/auth/certificatePem';

const client = createClientCertificate({ commonName: 'auth-unit' });
const other = createClientCertificate({ commonName: 'auth-unit-other' });

function certificatesIn(pem: string): X509Certificate[] {
  return [...pem.matchAll(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g)].map(
    (match) => new X509Certificate(match[0]),
  );
}

function pfxOf(keyPem: string, certPems: string[], algorithm: 'aes256' | '3des'): Buffer {
  const asn1 = forge.pkcs12.toPkcs12Asn1(
    forge.pki.privateKeyFromPem(keyPem),
    certPems.map((pem) => forge.pki.certificateFromPem(pem)),
    '',
    { algorithm },
  );
  return Buffer.from(forge.asn1.toDer(asn1).getBytes(), 'binary');
}

describe('pfxToPem', () => {
  it('turns a Key Vault style PFX (empty password, 3DES) into key + certificate PEM', () => {
    const pem = pfxToPem(Buffer.from(client.pfxBase64, 'base64'));
    const [leaf] = certificatesIn(pem);
    expect(leaf?.fingerprint256.replace(/:/g, '').toLowerCase()).toBe(client.thumbprintSha256Hex);
    expect(leaf?.checkPrivateKey(createPrivateKey(pem))).toBe(true);
    expect(pem).toMatch(/^-----BEGIN PRIVATE KEY-----/);
  });

  it('reads AES-256 (PBES2) PFX files as OpenSSL 3 writes them by default', () => {
    const pem = pfxToPem(pfxOf(client.privateKeyPem, [client.certPem], 'aes256'));
    expect(certificatesIn(pem)[0]?.fingerprint256.replace(/:/g, '').toLowerCase()).toBe(
      client.thumbprintSha256Hex,
    );
  });

  it('puts the certificate that matches the key first, whatever the bag order', () => {
    const pem = pfxToPem(pfxOf(client.privateKeyPem, [other.certPem, client.certPem], '3des'));
    const certificates = certificatesIn(pem);
    expect(certificates).toHaveLength(2);
    expect(certificates[0]?.checkPrivateKey(createPrivateKey(pem))).toBe(true);
  });

  it('refuses a PFX whose certificates do not belong to its key', () => {
    expect(() => pfxToPem(pfxOf(client.privateKeyPem, [other.certPem], '3des'))).toThrow(
      /none of its certificates belongs to its private key/,
    );
  });

  it('refuses data that is not PKCS#12 without quoting it', () => {
    const garbage = Buffer.from('not a pfx at all, just text that must not be echoed');
    const error = (() => {
      try {
        pfxToPem(garbage);
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(CertificateFormatError);
    expect(String(error)).not.toContain('must not be echoed');
  });

  describe('with OpenSSL-made files', () => {
    const directory = mkdtempSync(join(tmpdir(), 'auth-pfx-'));
    afterAll(() => {
      rmSync(directory, { recursive: true, force: true });
    });

    function openssl(args: string[]): void {
      execFileSync('openssl', args, { cwd: directory, stdio: 'ignore' });
    }

    it('reads an EC key PFX (node-forge only decodes RSA; Node handles the rest)', () => {
      openssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', 'ec.key']);
      openssl([
        'req',
        '-new',
        '-x509',
        '-key',
        'ec.key',
        '-subj',
        '/CN=ec-client',
        '-days',
        '2',
        '-out',
        'ec.crt',
      ]);
      openssl([
        'pkcs12',
        '-export',
        '-inkey',
        'ec.key',
        '-in',
        'ec.crt',
        '-passout',
        'pass:',
        '-out',
        'ec.pfx',
      ]);
      const material = readCertificatePem(pfxToPem(readFileSync(join(directory, 'ec.pfx'))));
      const expected = new X509Certificate(readFileSync(join(directory, 'ec.crt')));
      expect(material.thumbprintSha256).toBe(expected.fingerprint256.replace(/:/g, ''));
    });

    it('says a password is needed when the PFX has one', () => {
      openssl([
        'pkcs12',
        '-export',
        '-inkey',
        'ec.key',
        '-in',
        'ec.crt',
        '-passout',
        'pass:secret',
        '-out',
        'pw.pfx',
      ]);
      expect(() => pfxToPem(readFileSync(join(directory, 'pw.pfx')))).toThrow(/password/);
    });
  });
});

describe('readCertificatePem', () => {
  it('reads notAfter and both thumbprints of the leaf certificate', () => {
    const material = readCertificatePem(client.pemBundle);
    expect(material.thumbprintSha256).toBe(client.thumbprintSha256Hex.toUpperCase());
    expect(material.thumbprintSha1).toBe(client.thumbprintSha1Hex.toUpperCase());
    expect(Math.abs(material.notAfter.getTime() - client.notAfter.getTime())).toBeLessThan(1000);
  });

  it('accepts the certificate before the key and reorders to key, leaf', () => {
    const material = readCertificatePem(`${other.certPem}${client.certPem}${client.privateKeyPem}`);
    const certificates = certificatesIn(material.pem);
    expect(material.pem.indexOf('PRIVATE KEY')).toBeLessThan(material.pem.indexOf('CERTIFICATE'));
    expect(certificates[0]?.fingerprint256.replace(/:/g, '')).toBe(
      client.thumbprintSha256Hex.toUpperCase(),
    );
  });

  it('refuses a PEM without private key, with an encrypted key, or with a foreign key', () => {
    expect(() => readCertificatePem(client.certPem)).toThrow(/no private key/);
    const encrypted = createPrivateKey(client.privateKeyPem)
      .export({ format: 'pem', type: 'pkcs8', cipher: 'aes-256-cbc', passphrase: 'pw' })
      .toString();
    expect(() => readCertificatePem(`${encrypted}${client.certPem}`)).toThrow(/encrypted/);
    expect(() => readCertificatePem(`${client.privateKeyPem}${other.certPem}`)).toThrow(/belongs/);
    expect(() => readCertificatePem(client.privateKeyPem)).toThrow(/no certificate/);
  });
});

describe('certificateFromSecretValue', () => {
  it('follows the content type Key Vault declares', () => {
    const fromPfx = certificateFromSecretValue(client.pfxBase64, 'application/x-pkcs12');
    const fromPem = certificateFromSecretValue(client.pemBundle, 'application/x-pem-file');
    expect(fromPfx).toMatchObject({
      encoding: 'pkcs12',
      sniffed: false,
      thumbprintSha256: client.thumbprintSha256Hex.toUpperCase(),
    });
    expect(fromPem).toMatchObject({
      encoding: 'pem',
      sniffed: false,
      thumbprintSha256: client.thumbprintSha256Hex.toUpperCase(),
    });
  });

  it('recognises PEM and base64 PFX by content when the content type is missing or unknown', () => {
    expect(certificateFromSecretValue(client.pemBundle, undefined)).toMatchObject({
      encoding: 'pem',
      sniffed: true,
    });
    expect(certificateFromSecretValue(client.pfxBase64, 'text/plain')).toMatchObject({
      encoding: 'pkcs12',
      sniffed: true,
    });
  });

  it('refuses a value that is neither, without quoting it', () => {
    expect(() => certificateFromSecretValue('a plain client secret ~value~', undefined)).toThrow(
      /neither PEM nor base64/,
    );
  });
});
