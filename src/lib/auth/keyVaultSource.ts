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

/** The part of SecretClient we use: the seam tests may replace. */
export interface SecretReader {
  getSecret(name: string, options?: { abortSignal?: AbortSignal }): Promise<KeyVaultSecretLike>;
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

/**
 * Reads the version-less secret (the current version) and turns it into credential material:
 * the value as client secret with `attributes.exp` as expiry, or a certificate (PFX or PEM)
 * with its notAfter.
 */
export async function readKeyVaultMaterial(
  source: KeyVaultMaterialSource,
  signal?: AbortSignal,
): Promise<CredentialMaterial> {
  const failureContext: KeyVaultFailureContext = {
    vaultUrl: source.vaultUrl,
    secretName: source.secretName,
    principal: source.principal(),
    managedIdentityClientId: source.managedIdentityClientId,
  };
  let secret: KeyVaultSecretLike;
  try {
    secret = await source.reader.getSecret(
      source.secretName,
      signal === undefined ? {} : { abortSignal: signal },
    );
  } catch (error) {
    throw toKeyVaultError(error, { ...failureContext, principal: source.principal() });
  }
  const { value, properties } = secret;
  const version = properties.version;
  if (value === undefined || value === '' || version === undefined) {
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
    version,
  } as const;
  if (source.credentialType === 'secret') {
    return { type: 'secret', secret: value, origin, expiresOn: properties.expiresOn };
  }
  try {
    const certificate = certificateFromSecretValue(value, properties.contentType);
    if (certificate.sniffed) {
      source.logger.info(
        `Key Vault secret '${source.secretName}' version ${version} has ${properties.contentType === undefined ? 'no content type' : `content type '${properties.contentType}'`}; recognised it as ${certificate.encoding === 'pem' ? 'PEM' : 'base64 PKCS#12 (PFX)'} by its content`,
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
      `Key Vault secret '${source.secretName}' version ${version} is not a usable certificate: ${reason}`,
      {
        step: 'certificate parse',
        hint: `import the certificate with its private key into Key Vault (PFX without password, or PEM with key and certificate) as a new version of '${source.secretName}'; DATAVERSE_CREDENTIAL_TYPE is 'certificate'`,
      },
    );
  }
}
