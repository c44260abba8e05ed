import type { TokenCredential } from '@azure/identity';
import { SecretClient } from '@azure/keyvault-secrets';

import { AuthenticationError } from '../errors';
import type { CredentialType } from '../settings';
import type { Logger } from '../util';
import { CertificateFormatError, certificateFromSecretValue } from './certificatePem';
import type { CredentialMaterial } from './credentialMaterial';
import { type KeyVaultFailureContext, toKeyVaultError } from './keyVaultErrors';
import type { ObservedPrincipal } from './managedIdentity';

/** The part of a Key Vault secret we use (structurally a `KeyVaultSecret`). */
export interface KeyVaultSecretLike {
  readonly value?: string;
  readonly properties: {
    readonly version?: string;
    readonly expiresOn?: Date;
    readonly contentType?: string;
  };
}

/** The part of a version's listed properties we use (structurally a `SecretProperties`). */
export interface KeyVaultVersionLike {
  readonly version?: string;
  readonly enabled?: boolean;
  readonly createdOn?: Date;
  readonly notBefore?: Date;
  readonly expiresOn?: Date;
}

/** The part of SecretClient we use: the seam tests may replace. */
export interface SecretReader {
  getSecret(
    name: string,
    options?: { version?: string; abortSignal?: AbortSignal },
  ): Promise<KeyVaultSecretLike>;
  /** Every version's properties, never a value; the SDK follows Key Vault's nextLink pages. */
  listPropertiesOfSecretVersions(
    name: string,
    options?: { abortSignal?: AbortSignal },
  ): AsyncIterable<KeyVaultVersionLike>;
}

/** Inputs of the default {@link SecretReader}: the real SecretClient. */
export interface SecretReaderInput {
  readonly vaultUrl: string;
  readonly credential: TokenCredential;
  readonly disableChallengeResourceVerification: boolean;
}

export function createDefaultSecretReader(input: SecretReaderInput): SecretReader {
  return new SecretClient(input.vaultUrl, input.credential, {
    disableChallengeResourceVerification: input.disableChallengeResourceVerification,
  });
}

export interface KeyVaultMaterialSource {
  readonly reader: SecretReader;
  readonly vaultUrl: string;
  readonly secretName: string;
  readonly credentialType: CredentialType;
  readonly managedIdentityClientId: string | undefined;
  /** The identity seen on the last token, for the "grant the role" hint. */
  readonly principal: () => ObservedPrincipal;
  readonly logger: Logger;
}

function failureContextOf(source: KeyVaultMaterialSource): KeyVaultFailureContext {
  return {
    vaultUrl: source.vaultUrl,
    secretName: source.secretName,
    principal: source.principal(),
    managedIdentityClientId: source.managedIdentityClientId,
  };
}

/**
 * Reads the version-less secret (the current version), or the given `version`, and turns it into
 * credential material: the value as client secret with `attributes.exp` as expiry, or a
 * certificate (PFX or PEM) with its notAfter.
 */
export async function readKeyVaultMaterial(
  source: KeyVaultMaterialSource,
  signal?: AbortSignal,
  version?: string,
): Promise<CredentialMaterial> {
  let secret: KeyVaultSecretLike;
  try {
    secret = await source.reader.getSecret(source.secretName, {
      ...(version === undefined ? {} : { version }),
      ...(signal === undefined ? {} : { abortSignal: signal }),
    });
  } catch (error) {
    throw toKeyVaultError(error, failureContextOf(source));
  }
  const { value, properties } = secret;
  const readVersion = properties.version;
  if (value === undefined || value === '' || readVersion === undefined) {
    throw new AuthenticationError(
      `Key Vault secret '${source.secretName}' in ${source.vaultUrl} has no value`,
      {
        step: 'Key Vault read',
        hint: `store the ${source.credentialType === 'secret' ? 'client secret' : 'certificate'} as a new version of '${source.secretName}'`,
      },
    );
  }
  const origin = {
    kind: 'keyVault',
    vaultUrl: source.vaultUrl,
    name: source.secretName,
    version: readVersion,
  } as const;
  if (source.credentialType === 'secret') {
    return { type: 'secret', secret: value, origin, expiresOn: properties.expiresOn };
  }
  try {
    const certificate = certificateFromSecretValue(value, properties.contentType);
    if (certificate.sniffed) {
      source.logger.info(
        `Key Vault secret '${source.secretName}' version ${readVersion} has ${properties.contentType === undefined ? 'no content type' : `content type '${properties.contentType}'`}; recognised it as ${certificate.encoding === 'pem' ? 'PEM' : 'base64 PKCS#12 (PFX)'} by its content`,
      );
    }
    const { pem, notAfter, thumbprintSha1, thumbprintSha256 } = certificate;
    return {
      type: 'certificate',
      certificate: { pem, notAfter, thumbprintSha1, thumbprintSha256 },
      origin,
      expiresOn: notAfter,
    };
  } catch (error) {
    const reason =
      error instanceof CertificateFormatError ? error.message : 'it could not be parsed';
    throw new AuthenticationError(
      `Key Vault secret '${source.secretName}' version ${readVersion} is not a usable certificate: ${reason}`,
      {
        step: 'certificate parse',
        hint: `import the certificate with its private key into Key Vault (PFX without password, or PEM with key and certificate) as a new version of '${source.secretName}'; DATAVERSE_CREDENTIAL_TYPE is 'certificate'`,
      },
    );
  }
}

/** Lists the secret's versions (properties only, no values), as Key Vault pages them. */
export async function listKeyVaultVersions(
  source: KeyVaultMaterialSource,
  signal?: AbortSignal,
): Promise<KeyVaultVersionLike[]> {
  const versions: KeyVaultVersionLike[] = [];
  try {
    const pages = source.reader.listPropertiesOfSecretVersions(
      source.secretName,
      signal === undefined ? {} : { abortSignal: signal },
    );
    for await (const properties of pages) versions.push(properties);
  } catch (error) {
    throw toKeyVaultError(error, failureContextOf(source));
  }
  return versions;
}
