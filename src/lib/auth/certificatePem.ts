import { createPrivateKey, type KeyObject, X509Certificate } from 'node:crypto';

import forge from 'node-forge';

/**
 * Certificate material for ClientCertificateCredential: one PEM holding the private key and the
 * certificate chain, leaf first (the Azure SDK computes the thumbprint from the first certificate).
 */
export interface CertificateMaterial {
  readonly pem: string;
  /** The leaf certificate's notAfter. */
  readonly notAfter: Date;
  /** Upper-case hex, no separators, as the Azure portal and `x5t#S256` use them. */
  readonly thumbprintSha256: string;
  /** SHA-1 thumbprint: what the app registration's "Certificates & secrets" page lists. */
  readonly thumbprintSha1: string;
}

/**
 * The material could not be turned into a usable certificate. The message describes the
 * problem in words only: it never quotes the material.
 */
export class CertificateFormatError extends Error {
  override readonly name = 'CertificateFormatError';
}

const PEM_HEADER = /-----BEGIN [A-Z0-9 ]+-----/;
const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/g;

/** True when `text` contains at least one PEM block header. */
export function looksLikePem(text: string): boolean {
  return PEM_HEADER.test(text);
}

function derFromForgeAsn1(asn1: forge.asn1.Asn1): Buffer {
  return Buffer.from(forge.asn1.toDer(asn1).getBytes(), 'binary');
}

function privateKeyFromBag(bag: forge.pkcs12.Bag): KeyObject {
  // forge decodes RSA keys only; for other key types (EC) it leaves the PrivateKeyInfo in asn1.
  const privateKeyInfo = bag.key
    ? forge.pki.wrapRsaPrivateKey(forge.pki.privateKeyToAsn1(bag.key))
    : bag.asn1;
  return createPrivateKey({ key: derFromForgeAsn1(privateKeyInfo), format: 'der', type: 'pkcs8' });
}

function certificateFromBag(bag: forge.pkcs12.Bag): X509Certificate {
  const asn1 = bag.cert ? forge.pki.certificateToAsn1(bag.cert) : bag.asn1;
  return new X509Certificate(derFromForgeAsn1(asn1));
}

function bagsOf(p12: forge.pkcs12.Pkcs12Pfx, bagType: string): forge.pkcs12.Bag[] {
  return p12.getBags({ bagType })[bagType] ?? [];
}

/**
 * Converts a PKCS#12 (PFX) file with an empty password, as Key Vault stores certificates, into
 * a PEM with the private key (PKCS#8) followed by the certificates, the one matching the key
 * first. node-forge reads the PKCS#12 container (Node's crypto cannot); Node does the rest, so
 * EC keys work too.
 */
export function pfxToPem(pfx: Buffer): string {
  let p12: forge.pkcs12.Pkcs12Pfx;
  try {
    const asn1 = forge.asn1.fromDer(forge.util.createBuffer(pfx.toString('binary')));
    p12 = forge.pkcs12.pkcs12FromAsn1(asn1, false, '');
  } catch (error) {
    const reason =
      error instanceof Error && /password|mac/i.test(error.message)
        ? ' (it needs a password: export it without one)'
        : '';
    throw new CertificateFormatError(`the PKCS#12 (PFX) data could not be read${reason}`);
  }
  const keyBags = [
    ...bagsOf(p12, forge.pki.oids.pkcs8ShroudedKeyBag ?? ''),
    ...bagsOf(p12, forge.pki.oids.keyBag ?? ''),
  ];
  const keyBag = keyBags[0];
  if (keyBag === undefined)
    throw new CertificateFormatError('the PKCS#12 (PFX) data holds no private key');
  const privateKey = privateKeyFromBag(keyBag);
  const certificates = bagsOf(p12, forge.pki.oids.certBag ?? '').map(certificateFromBag);
  const chain = orderLeafFirst(certificates, privateKey);
  const keyPem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  return [keyPem, ...chain.map((certificate) => certificate.toString())].join('');
}

function orderLeafFirst(
  certificates: readonly X509Certificate[],
  privateKey: KeyObject,
): X509Certificate[] {
  const leaf = certificates.find((certificate) => certificate.checkPrivateKey(privateKey));
  if (leaf === undefined) {
    throw new CertificateFormatError(
      certificates.length === 0
        ? 'it holds a private key but no certificate'
        : 'none of its certificates belongs to its private key',
    );
  }
  return [leaf, ...certificates.filter((certificate) => certificate !== leaf)];
}

/**
 * Validates a PEM with a private key and its certificate (chain), puts the certificate that
 * matches the key first, and reads notAfter and the thumbprints. Encrypted keys are refused:
 * the credential has no passphrase setting.
 */
export function readCertificatePem(pem: string): CertificateMaterial {
  const blocks = [...pem.matchAll(PEM_BLOCK)].map((match) => ({
    label: match[1] ?? '',
    text: match[0],
  }));
  if (
    blocks.some(
      (block) =>
        block.label === 'ENCRYPTED PRIVATE KEY' || /Proc-Type: 4,ENCRYPTED/.test(block.text),
    )
  ) {
    throw new CertificateFormatError('its private key is encrypted: store it without a password');
  }
  const keyBlock = blocks.find((block) => block.label.endsWith('PRIVATE KEY'));
  if (keyBlock === undefined) throw new CertificateFormatError('the PEM holds no private key');
  let privateKey: KeyObject;
  let certificates: X509Certificate[];
  try {
    privateKey = createPrivateKey(keyBlock.text);
    certificates = blocks
      .filter((block) => block.label === 'CERTIFICATE')
      .map((block) => new X509Certificate(block.text));
  } catch {
    throw new CertificateFormatError(
      'the PEM holds a private key or certificate that cannot be parsed',
    );
  }
  const chain = orderLeafFirst(certificates, privateKey);
  const keyPem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  return describeLeaf(
    [keyPem, ...chain.map((certificate) => certificate.toString())].join(''),
    chain,
  );
}

function describeLeaf(pem: string, chain: readonly X509Certificate[]): CertificateMaterial {
  const [leaf] = chain;
  if (leaf === undefined) throw new CertificateFormatError('it holds no certificate');
  return {
    pem,
    notAfter: new Date(leaf.validTo),
    thumbprintSha256: leaf.fingerprint256.replace(/:/g, '').toUpperCase(),
    thumbprintSha1: leaf.fingerprint.replace(/:/g, '').toUpperCase(),
  };
}

/** How a Key Vault secret value or a file was recognised. */
export type CertificateEncoding = 'pkcs12' | 'pem';

/**
 * Reads certificate material from a Key Vault secret value: `application/x-pkcs12` is base64
 * PFX, `application/x-pem-file` is PEM; anything else is recognised by content (`sniffed`).
 */
export function certificateFromSecretValue(
  value: string,
  contentType: string | undefined,
): CertificateMaterial & { readonly encoding: CertificateEncoding; readonly sniffed: boolean } {
  const declared = contentType?.toLowerCase().split(';')[0]?.trim();
  const encoding: CertificateEncoding =
    declared === 'application/x-pkcs12'
      ? 'pkcs12'
      : declared === 'application/x-pem-file'
        ? 'pem'
        : looksLikePem(value)
          ? 'pem'
          : 'pkcs12';
  const sniffed = declared !== 'application/x-pkcs12' && declared !== 'application/x-pem-file';
  if (encoding === 'pem') return { ...readCertificatePem(value), encoding, sniffed };
  if (!/^[A-Za-z0-9+/=\s]+$/.test(value)) {
    throw new CertificateFormatError('the value is neither PEM nor base64 PKCS#12 (PFX)');
  }
  return { ...readCertificatePem(pfxToPem(Buffer.from(value, 'base64'))), encoding, sniffed };
}
