import type { CredentialMaterial } from './credentialMaterial';

/** Public identifiers the fallback's explanation names. Never material. */
export interface FallbackTextContext {
  readonly clientId: string;
  readonly vaultUrl: string;
  readonly name: string;
}

/** Azure CLI's `--vault-name`/`--keyvault` value: the first label of `<name>.vault.<cloud>`. */
export function vaultNameOf(vaultUrl: string): string {
  try {
    const host = new URL(vaultUrl).hostname;
    const match = /^([a-z0-9-]+)\.vault\./i.exec(host);
    if (match?.[1] !== undefined) return match[1];
  } catch {
    // Settings validated the URL; the placeholder below is only for a URL that is no vault host.
  }
  return `<name of the vault ${vaultUrl}>`;
}

function versionOf(material: CredentialMaterial): string {
  return material.origin.kind === 'keyVault' ? material.origin.version : material.origin.kind;
}

function why(code: string, material: CredentialMaterial, clientId: string): string {
  if (material.type === 'certificate') {
    return `its certificate (SHA-1 thumbprint ${material.certificate.thumbprintSha1}) is not registered on app registration ${clientId}`;
  }
  return code === 'AADSTS7000222'
    ? `its client secret has expired on app registration ${clientId}`
    : `its value is not a client secret of app registration ${clientId}`;
}

/** One sentence: which version Entra ID rejects, with its code and why, and which one is in use. */
export function fallbackReason(
  context: FallbackTextContext,
  current: CredentialMaterial,
  inUse: CredentialMaterial,
  code: string,
): string {
  const expiry = inUse.expiresOn === undefined ? '' : ` (expires ${inUse.expiresOn.toISOString()})`;
  return `Entra ID rejects the current version ${versionOf(current)} of Key Vault secret '${context.name}' (${code}: ${why(code, current, context.clientId)}); the app uses the older version ${versionOf(inUse)}${expiry}, which Entra ID accepts.`;
}

/**
 * The operator's fix. A certificate: upload the current version's public part next to the old
 * one (`--append`; the app switches back once Entra accepts it). A secret: Entra ID generates
 * client secret values, so the value in Key Vault cannot be added to the app registration: store
 * a value the app registration knows as a new version — a new one, or the one in use.
 */
export function fallbackFix(
  context: FallbackTextContext,
  current: CredentialMaterial,
  inUse: CredentialMaterial,
): string {
  const vault = vaultNameOf(context.vaultUrl);
  if (current.type === 'certificate') {
    return `upload the current certificate to app registration ${context.clientId}, keeping the old one until the app has switched: az ad app credential reset --id ${context.clientId} --keyvault ${vault} --cert ${context.name} --append`;
  }
  const expires =
    inUse.expiresOn === undefined ? '' : ` --expires ${inUse.expiresOn.toISOString()}`;
  return (
    `store a client secret that app registration ${context.clientId} accepts as a new version of '${context.name}' (Entra ID generates secret values, so version ${versionOf(current)}'s value cannot be added to the app registration): ` +
    `a new one — az ad app credential reset --id ${context.clientId} --append --display-name dataverse-s2s --years 1 --query password -o tsv, then az keyvault secret set --vault-name ${vault} -n ${context.name} --value <the new secret> --expires <its end date> — ` +
    `or the value in use again: az keyvault secret set --vault-name ${vault} -n ${context.name} --value "$(az keyvault secret show --vault-name ${vault} -n ${context.name} --version ${versionOf(inUse)} --query value -o tsv)"${expires}`
  );
}
