import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';

import { AuthenticationError, ConfigurationError } from '../errors';
import type { CredentialSource, CredentialType } from '../settings';
import {
  CertificateFormatError,
  looksLikePem,
  pfxToPem,
  readCertificatePem,
} from './certificatePem';
import type { CredentialMaterial } from './credentialMaterial';

type LocalSource = Exclude<CredentialSource, { kind: 'keyVault' }>;

/**
 * Loads the credential from local settings (development, or a resolved Key Vault reference):
 * DATAVERSE_CLIENT_SECRET (expiry unknown) or the certificate file at
 * DATAVERSE_CLIENT_CERTIFICATE_PATH — PEM with key and certificate, or a .pfx/.p12 without password.
 */
export async function loadLocalMaterial(
  source: LocalSource,
  credentialType: CredentialType,
): Promise<CredentialMaterial> {
  if (source.kind === 'secretValue') {
    if (credentialType !== 'secret') {
      throw mismatch('DATAVERSE_CLIENT_SECRET is set but DATAVERSE_CREDENTIAL_TYPE is certificate');
    }
    return {
      type: 'secret',
      secret: source.secret,
      origin: { kind: 'setting' },
      expiresOn: undefined,
    };
  }
  if (credentialType !== 'certificate') {
    throw mismatch(
      'DATAVERSE_CLIENT_CERTIFICATE_PATH is set but DATAVERSE_CREDENTIAL_TYPE is secret',
    );
  }
  let content: Buffer;
  try {
    content = await readFile(source.path);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    throw new AuthenticationError(`the certificate file ${source.path} cannot be read`, {
      step: 'certificate parse',
      code: typeof code === 'string' ? code : undefined,
      hint: 'check DATAVERSE_CLIENT_CERTIFICATE_PATH and that the process may read the file',
    });
  }
  try {
    const extension = extname(source.path).toLowerCase();
    const text = content.toString('utf8');
    const pem =
      extension !== '.pfx' && extension !== '.p12' && looksLikePem(text) ? text : pfxToPem(content);
    const certificate = readCertificatePem(pem);
    return {
      type: 'certificate',
      certificate,
      origin: { kind: 'file', path: source.path },
      expiresOn: certificate.notAfter,
    };
  } catch (error) {
    const reason =
      error instanceof CertificateFormatError ? error.message : 'it could not be parsed';
    throw new AuthenticationError(`the certificate file ${source.path} is not usable: ${reason}`, {
      step: 'certificate parse',
      hint: 'DATAVERSE_CLIENT_CERTIFICATE_PATH must point to a PEM file with the private key and the certificate, or a .pfx/.p12 file without password',
    });
  }
}

function mismatch(message: string): ConfigurationError {
  return new ConfigurationError(message, {
    hint: 'set DATAVERSE_CREDENTIAL_TYPE to match the credential you provide',
  });
}
