import {
  DATAVERSE_CLIENT_CERTIFICATE_PATH,
  DATAVERSE_CLIENT_SECRET,
  DATAVERSE_CREDENTIAL_NAME,
  DATAVERSE_CREDENTIAL_TYPE,
  KEY_VAULT_DISABLE_CHALLENGE_RESOURCE_VERIFICATION,
  KEY_VAULT_URL,
} from './names';
import { type ProblemList, shown } from './problems';
import { readSetting, type SettingsSource } from './read';
import type { CredentialSource, CredentialType } from './types';
import { checkBoolean, checkOriginUrl } from './values';

// Key Vault object names: https://learn.microsoft.com/azure/key-vault/general/about-keys-secrets-certificates
const KEY_VAULT_NAME = /^[0-9a-zA-Z-]{1,127}$/;

function parseCredentialType(
  env: SettingsSource,
  problems: ProblemList,
): CredentialType | undefined {
  const value = readSetting(env, DATAVERSE_CREDENTIAL_TYPE);
  if (value === undefined) {
    problems.add(DATAVERSE_CREDENTIAL_TYPE, 'is required (secret or certificate)', 'certificate');
    return undefined;
  }
  const lower = value.toLowerCase();
  if (lower === 'secret' || lower === 'certificate') return lower;
  problems.add(
    DATAVERSE_CREDENTIAL_TYPE,
    `must be secret or certificate, got ${shown(value)}`,
    'certificate',
  );
  return undefined;
}

function parseKeyVault(
  env: SettingsSource,
  vaultValue: string,
  problems: ProblemList,
): CredentialSource | undefined {
  const vault = checkOriginUrl(vaultValue, { allowLoopbackHttp: false });
  if (!vault.ok)
    problems.add(KEY_VAULT_URL, vault.problem, 'https://contoso-integration.vault.azure.net');
  const name = readSetting(env, DATAVERSE_CREDENTIAL_NAME);
  if (name === undefined) {
    problems.add(
      DATAVERSE_CREDENTIAL_NAME,
      `is required with ${KEY_VAULT_URL} (the Key Vault secret or certificate name)`,
      'dataverse-client',
    );
  } else if (!KEY_VAULT_NAME.test(name)) {
    problems.add(
      DATAVERSE_CREDENTIAL_NAME,
      'must be 1-127 letters, digits or hyphens (a Key Vault object name)',
      'dataverse-client',
    );
  }
  const flag = readSetting(env, KEY_VAULT_DISABLE_CHALLENGE_RESOURCE_VERIFICATION);
  const disable = flag === undefined ? { ok: true as const, value: false } : checkBoolean(flag);
  if (!disable.ok)
    problems.add(KEY_VAULT_DISABLE_CHALLENGE_RESOURCE_VERIFICATION, disable.problem, 'false');
  for (const local of [DATAVERSE_CLIENT_SECRET, DATAVERSE_CLIENT_CERTIFICATE_PATH]) {
    if (readSetting(env, local) !== undefined) {
      problems.add(
        local,
        `must not be set together with ${KEY_VAULT_URL}: remove one of the two credential sources`,
        '',
      );
    }
  }
  if (!vault.ok || name === undefined || !KEY_VAULT_NAME.test(name) || !disable.ok)
    return undefined;
  return {
    kind: 'keyVault',
    vaultUrl: vault.value,
    name,
    disableChallengeResourceVerification: disable.value,
  };
}

function parseLocalCredential(
  env: SettingsSource,
  type: CredentialType,
  problems: ProblemList,
): CredentialSource | undefined {
  const secret = readSetting(env, DATAVERSE_CLIENT_SECRET);
  const path = readSetting(env, DATAVERSE_CLIENT_CERTIFICATE_PATH);
  if (readSetting(env, DATAVERSE_CREDENTIAL_NAME) !== undefined) {
    problems.add(
      KEY_VAULT_URL,
      `is required when ${DATAVERSE_CREDENTIAL_NAME} is set`,
      'https://contoso-integration.vault.azure.net',
    );
  }
  if (type === 'secret') {
    if (path !== undefined) {
      problems.add(
        DATAVERSE_CLIENT_CERTIFICATE_PATH,
        `is set but ${DATAVERSE_CREDENTIAL_TYPE}=secret: remove it or switch the type to certificate`,
        '',
      );
    }
    if (secret !== undefined) return { kind: 'secretValue', secret };
    problems.add(
      DATAVERSE_CLIENT_SECRET,
      `is required when ${DATAVERSE_CREDENTIAL_TYPE}=secret and ${KEY_VAULT_URL} is not set (or set ${KEY_VAULT_URL} and ${DATAVERSE_CREDENTIAL_NAME})`,
      '<the client secret value, or a Key Vault reference @Microsoft.KeyVault(SecretUri=...)>',
    );
    return undefined;
  }
  if (secret !== undefined) {
    problems.add(
      DATAVERSE_CLIENT_SECRET,
      `is set but ${DATAVERSE_CREDENTIAL_TYPE}=certificate: remove it or switch the type to secret`,
      '',
    );
  }
  if (path !== undefined) return { kind: 'certificateFile', path };
  problems.add(
    DATAVERSE_CLIENT_CERTIFICATE_PATH,
    `is required when ${DATAVERSE_CREDENTIAL_TYPE}=certificate and ${KEY_VAULT_URL} is not set (or set ${KEY_VAULT_URL} and ${DATAVERSE_CREDENTIAL_NAME})`,
    './certs/dataverse-client.pem',
  );
  return undefined;
}

/**
 * Where the credential comes from: Key Vault (KEY_VAULT_URL + DATAVERSE_CREDENTIAL_NAME) or,
 * for local development, DATAVERSE_CLIENT_SECRET / DATAVERSE_CLIENT_CERTIFICATE_PATH. The
 * secret's value is never part of a problem text. Whether the certificate file exists is
 * checked when the credential is loaded (auth), not here: settings stay free of I/O.
 */
export function parseCredential(
  env: SettingsSource,
  problems: ProblemList,
): { type: CredentialType; source: CredentialSource } | undefined {
  const type = parseCredentialType(env, problems);
  const vault = readSetting(env, KEY_VAULT_URL);
  if (vault !== undefined) {
    const source = parseKeyVault(env, vault, problems);
    return type === undefined || source === undefined ? undefined : { type, source };
  }
  if (type === undefined) return undefined;
  const source = parseLocalCredential(env, type, problems);
  return source === undefined ? undefined : { type, source };
}
