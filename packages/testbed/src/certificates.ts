import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';

import forge from 'node-forge';

/** A self-signed client certificate in every form an app registration or Key Vault holds it. */
export interface ClientCertificate {
  /** PEM of the certificate alone: what is uploaded to the app registration. */
  certPem: string;
  /** PKCS#8 PEM of the private key. */
  privateKeyPem: string;
  /** Base64 PKCS#12 with an EMPTY password, as Key Vault returns it for `application/x-pkcs12`. */
  pfxBase64: string;
  /** Private key followed by the certificate, as Key Vault returns it for `application/x-pem-file`. */
  pemBundle: string;
  /** Hex SHA-256 of the certificate DER (the `x5t#S256` MSAL sends, hex encoded). */
  thumbprintSha256Hex: string;
  /** Hex SHA-1 of the certificate DER (the thumbprint the Azure portal shows). */
  thumbprintSha1Hex: string;
  notAfter: Date;
}

export interface ClientCertificateOptions {
  commonName: string;
  /** Defaults to one hour ago. */
  notBefore?: Date;
  /** Defaults to one day after now; set in the past to model an expired certificate. */
  notAfter?: Date;
}

/**
 * Creates a self-signed RSA client certificate. Node generates the key (fast, native);
 * node-forge builds the X.509 and the PKCS#12, which Node's crypto cannot do.
 */
export function createClientCertificate(options: ClientCertificateOptions): ClientCertificate {
  const nowInMs = Date.now();
  const notBefore = options.notBefore ?? new Date(nowInMs - 3600 * 1000);
  const notAfter = options.notAfter ?? new Date(nowInMs + 24 * 3600 * 1000);

  const { publicKey, privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  const forgeKey = forge.pki.privateKeyFromPem(privateKey);

  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKey);
  cert.serialNumber = positiveSerialHex();
  cert.validity.notBefore = notBefore;
  cert.validity.notAfter = notAfter;
  const subject = [{ name: 'commonName', value: options.commonName }];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', clientAuth: true },
  ]);
  cert.sign(forgeKey, forge.md.sha256.create());

  const certPem = forge.pki.certificateToPem(cert);
  const der = Buffer.from(forge.asn1.toDer(forge.pki.certificateToAsn1(cert)).getBytes(), 'binary');
  // Key Vault exports PFX files protected by an empty password; 3DES keeps them readable by
  // OpenSSL 3 and Windows alike.
  const pfxAsn1 = forge.pkcs12.toPkcs12Asn1(forgeKey, [cert], '', { algorithm: '3des' });
  const pfxBase64 = Buffer.from(forge.asn1.toDer(pfxAsn1).getBytes(), 'binary').toString('base64');

  return {
    certPem,
    privateKeyPem: privateKey,
    pfxBase64,
    pemBundle: `${privateKey.trimEnd()}\n${certPem}`,
    thumbprintSha256Hex: createHash('sha256').update(der).digest('hex'),
    thumbprintSha1Hex: createHash('sha1').update(der).digest('hex'),
    notAfter,
  };
}

function positiveSerialHex(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0] ?? 0) & 0x7f;
  return bytes.toString('hex');
}
