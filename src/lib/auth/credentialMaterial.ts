import type { CredentialType } from '../settings';
import type { CertificateMaterial } from './certificatePem';
import type { MaterialOrigin } from './entraErrors';
import type { CredentialDescription } from './types';

/**
 * The secret or certificate as loaded, with where it came from. Lives only in memory; only
 * {@link describeMaterial} leaves this module's callers, and it holds no material.
 */
export type CredentialMaterial =
  | {
      readonly type: 'secret';
      readonly secret: string;
      readonly origin: MaterialOrigin;
      readonly expiresOn: Date | undefined;
    }
  | {
      readonly type: 'certificate';
      readonly certificate: CertificateMaterial;
      readonly origin: MaterialOrigin;
      readonly expiresOn: Date;
    };

/**
 * Identifies this exact material for the credential cache: the Key Vault version, or the
 * local source (which cannot change without a restart).
 */
export function materialId(material: CredentialMaterial): string {
  const { origin } = material;
  return origin.kind === 'keyVault' ? `keyVault:${origin.version}` : origin.kind;
}

/** The public description health and doctor show: type, source, version, expiry, thumbprint. */
export function describeMaterial(material: CredentialMaterial): CredentialDescription {
  const { origin } = material;
  return {
    type: material.type satisfies CredentialType,
    source: origin.kind === 'keyVault' ? 'keyVault' : origin.kind,
    version: origin.kind === 'keyVault' ? origin.version : undefined,
    expiresOn: material.expiresOn,
    thumbprintSha256:
      material.type === 'certificate' ? material.certificate.thumbprintSha256 : undefined,
  };
}

/**
 * The literal strings that must never appear in an error or log: the secret, or the PEM and the
 * base64 body of each of its blocks (a partial quote of a key is still a leak).
 */
export function secretStringsOf(material: CredentialMaterial): string[] {
  if (material.type === 'secret') return [material.secret];
  const bodies = material.certificate.pem
    .split(/-----[A-Z0-9 ]+-----/)
    .map((body) => body.replace(/\s+/g, ''))
    .filter((body) => body.length > 0);
  // Lines of the key's base64 body, since messages may quote a wrapped PEM line by line.
  const lines = material.certificate.pem
    .split(/\r?\n/)
    .filter((line) => line.length >= 32 && !line.startsWith('-----'));
  return [material.certificate.pem, ...bodies, ...lines];
}

/** One-line summary for logs: type, origin and expiry — public facts only. */
export function summarizeMaterial(material: CredentialMaterial): string {
  const { origin } = material;
  const where =
    origin.kind === 'keyVault'
      ? `Key Vault secret '${origin.name}' version ${origin.version}`
      : origin.kind === 'setting'
        ? 'DATAVERSE_CLIENT_SECRET'
        : `file ${origin.path}`;
  const expiry =
    material.expiresOn === undefined
      ? 'expiry unknown'
      : `expires ${material.expiresOn.toISOString()}`;
  const thumbprint =
    material.type === 'certificate'
      ? `, SHA-1 thumbprint ${material.certificate.thumbprintSha1}`
      : '';
  return `${material.type === 'secret' ? 'client secret' : 'certificate'} from ${where} (${expiry}${thumbprint})`;
}
