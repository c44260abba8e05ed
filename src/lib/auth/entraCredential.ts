import {
  ClientCertificateCredential,
  ClientSecretCredential,
  type TokenCredential,
} from '@azure/identity';

import type { CredentialMaterial } from './credentialMaterial';

/** Public-cloud and sovereign-cloud Entra hosts that MSAL's instance discovery knows. */
const KNOWN_MICROSOFT_AUTHORITY_HOSTS: ReadonlySet<string> = new Set([
  'login.microsoftonline.com',
  'login.microsoftonline.us',
  'login.chinacloudapi.cn',
  'login.partner.microsoftonline.cn',
]);

/** True when `authorityHost` is one of Microsoft's Entra hosts (public or sovereign cloud). */
export function isKnownMicrosoftAuthorityHost(authorityHost: string): boolean {
  try {
    return KNOWN_MICROSOFT_AUTHORITY_HOSTS.has(new URL(authorityHost).hostname.toLowerCase());
  } catch {
    return false;
  }
}

/** Everything that goes into one Entra credential. */
export interface EntraCredentialInput {
  readonly tenantId: string;
  readonly clientId: string;
  readonly material: CredentialMaterial;
  readonly authorityHost: string;
}

/** Builds ClientSecretCredential or ClientCertificateCredential for one tenant. */
export function createDefaultEntraCredential(input: EntraCredentialInput): TokenCredential {
  const options = {
    authorityHost: input.authorityHost,
    // MSAL validates an authority by asking login.microsoftonline.com for instance metadata.
    // For Microsoft's own hosts that check is useful and reachable, so it stays on. For any
    // other host (the local test bed, Azure Stack/ADFS-style authorities) Microsoft's discovery
    // cannot vouch for it, and isolated networks cannot reach it at all, so the token request
    // would fail before it starts; there we trust the configured AZURE_AUTHORITY_HOST instead.
    disableInstanceDiscovery: !isKnownMicrosoftAuthorityHost(input.authorityHost),
  };
  const { material } = input;
  return material.type === 'secret'
    ? new ClientSecretCredential(input.tenantId, input.clientId, material.secret, options)
    : new ClientCertificateCredential(
        input.tenantId,
        input.clientId,
        { certificate: material.certificate.pem },
        options,
      );
}

/** Cache key: one credential (and so one MSAL token cache) per tenant, client and material. */
export function credentialCacheKey(
  tenantId: string,
  clientId: string,
  materialKey: string,
): string {
  return `${tenantId.toLowerCase()}|${clientId.toLowerCase()}|${materialKey}`;
}

/**
 * Keeps one credential per (tenant, client, material version) so that MSAL's in-memory token
 * cache is reused across calls. Per provider instance, never module-level.
 */
export class EntraCredentialCache {
  private readonly credentials = new Map<
    string,
    { materialKey: string; credential: TokenCredential }
  >();

  /** The cached credential for `key`, created with `create` on first use. */
  getOrCreate(key: string, materialKey: string, create: () => TokenCredential): TokenCredential {
    const cached = this.credentials.get(key);
    if (cached !== undefined) return cached.credential;
    const credential = create();
    this.credentials.set(key, { materialKey, credential });
    return credential;
  }

  /** Drops the credential for `key`, and with it every token MSAL cached for it. */
  evict(key: string): void {
    this.credentials.delete(key);
  }

  /**
   * Drops credentials built from material other than `materialKeys` (after a rotation; during
   * a fallback both the current and the older version in use are kept).
   */
  retainOnly(materialKeys: readonly string[]): void {
    for (const [key, entry] of this.credentials) {
      if (!materialKeys.includes(entry.materialKey)) this.credentials.delete(key);
    }
  }

  get size(): number {
    return this.credentials.size;
  }
}
