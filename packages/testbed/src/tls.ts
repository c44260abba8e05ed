import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import forge from 'node-forge';

/** A throwaway certificate authority and one server certificate for localhost / 127.0.0.1. */
export interface TestCertificates {
  /** PEM of the CA certificate: what a client must trust. */
  readonly caCertPem: string;
  /** PEM of the server certificate (signed by the CA) and its private key. */
  readonly serverCertPem: string;
  readonly serverKeyPem: string;
}

function newKeyPair(): { publicKey: forge.pki.PublicKey; privateKey: forge.pki.rsa.PrivateKey } {
  // Node's native generator is ~50x faster than forge's pure-JS one; forge only builds the X.509.
  const { publicKey, privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  return {
    publicKey: forge.pki.publicKeyFromPem(publicKey),
    privateKey: forge.pki.privateKeyFromPem(privateKey),
  };
}

function serialNumber(): string {
  // Positive serial: clear the high bit.
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0] ?? 0) & 0x7f;
  return bytes.toString('hex');
}

/** Generates a CA and a localhost server certificate valid for one day. */
export function generateTestCertificates(): TestCertificates {
  const now = new Date();
  const tomorrow = new Date(now.getTime() + 24 * 3600 * 1000);
  const yesterday = new Date(now.getTime() - 3600 * 1000);

  const caKeys = newKeyPair();
  const ca = forge.pki.createCertificate();
  ca.publicKey = caKeys.publicKey;
  ca.serialNumber = serialNumber();
  ca.validity.notBefore = yesterday;
  ca.validity.notAfter = tomorrow;
  const caSubject = [{ name: 'commonName', value: 'Dataverse S2S test bed throwaway CA' }];
  ca.setSubject(caSubject);
  ca.setIssuer(caSubject);
  ca.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  ca.sign(caKeys.privateKey, forge.md.sha256.create());

  const serverKeys = newKeyPair();
  const server = forge.pki.createCertificate();
  server.publicKey = serverKeys.publicKey;
  server.serialNumber = serialNumber();
  server.validity.notBefore = yesterday;
  server.validity.notAfter = tomorrow;
  server.setSubject([{ name: 'commonName', value: 'localhost' }]);
  server.setIssuer(caSubject);
  server.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    {
      name: 'subjectAltName',
      altNames: [
        { type: 2, value: 'localhost' },
        { type: 7, ip: '127.0.0.1' },
      ],
    },
  ]);
  server.sign(caKeys.privateKey, forge.md.sha256.create());

  return {
    caCertPem: forge.pki.certificateToPem(ca),
    serverCertPem: forge.pki.certificateToPem(server),
    serverKeyPem: forge.pki.privateKeyToPem(serverKeys.privateKey),
  };
}

/** Writes the certificates as ca.pem, server.pem and server-key.pem into `directory`. */
export function writeTestCertificates(directory: string, certs: TestCertificates): void {
  mkdirSync(directory, { recursive: true });
  writeFileSync(join(directory, 'ca.pem'), certs.caCertPem);
  writeFileSync(join(directory, 'server.pem'), certs.serverCertPem);
  writeFileSync(join(directory, 'server-key.pem'), certs.serverKeyPem, { mode: 0o600 });
}
