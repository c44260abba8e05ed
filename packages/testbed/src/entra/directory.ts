import {
  createHash,
  createPublicKey,
  type KeyObject,
  randomUUID,
  X509Certificate,
} from 'node:crypto';

/** A client secret registered on an app. */
export interface RegisteredSecret {
  value: string;
  expiresOn: Date;
}

/** A certificate credential registered on an app (its public half only, as in Entra). */
export interface RegisteredCertificate {
  certPem: string;
  publicKey: KeyObject;
  /** Hex SHA-256 / SHA-1 of the certificate DER. */
  thumbprintSha256Hex: string;
  thumbprintSha1Hex: string;
}

/** An app registration: lives in its home tenant, may be consented into others. */
export interface AppRegistration {
  appId: string;
  homeTenantId: string;
  displayName: string;
  secrets: RegisteredSecret[];
  certificates: RegisteredCertificate[];
}

/**
 * The in-memory directory behind the Entra stand-in: tenants, app registrations with their
 * credentials, and service principals (one per app per tenant where it is consented).
 */
export class EntraDirectory {
  private readonly tenants = new Set<string>();
  private readonly apps = new Map<string, AppRegistration>();
  /** Key `${tenantId}|${appId}` → service principal object id. */
  private readonly servicePrincipals = new Map<string, string>();

  addTenant(tenantId: string): void {
    this.tenants.add(tenantId);
  }

  hasTenant(tenantId: string): boolean {
    return this.tenants.has(tenantId);
  }

  /** Registers an app and creates its service principal in the home tenant, as the portal does. */
  registerApp(input: { appId: string; homeTenantId: string; displayName: string }): void {
    if (!this.tenants.has(input.homeTenantId)) {
      throw new Error(`registerApp: unknown home tenant ${input.homeTenantId}`);
    }
    this.apps.set(input.appId, { ...input, secrets: [], certificates: [] });
    this.consent(input.appId, input.homeTenantId);
  }

  app(appId: string): AppRegistration | undefined {
    return this.apps.get(appId);
  }

  addSecret(appId: string, secret: RegisteredSecret): void {
    this.requireApp(appId).secrets.push({ ...secret });
  }

  removeSecret(appId: string, value: string): void {
    const app = this.requireApp(appId);
    app.secrets = app.secrets.filter((secret) => secret.value !== value);
  }

  /** Registers the public certificate; returns its hex SHA-256 thumbprint. */
  addCertificate(appId: string, certPem: string): string {
    const x509 = new X509Certificate(certPem);
    const certificate: RegisteredCertificate = {
      certPem,
      publicKey: createPublicKey(certPem),
      thumbprintSha256Hex: createHash('sha256').update(x509.raw).digest('hex'),
      thumbprintSha1Hex: createHash('sha1').update(x509.raw).digest('hex'),
    };
    this.requireApp(appId).certificates.push(certificate);
    return certificate.thumbprintSha256Hex;
  }

  /** Removes a certificate by its hex SHA-256 or SHA-1 thumbprint (any case). */
  removeCertificate(appId: string, thumbprintHex: string): void {
    const app = this.requireApp(appId);
    const wanted = thumbprintHex.toLowerCase();
    app.certificates = app.certificates.filter(
      (cert) => cert.thumbprintSha256Hex !== wanted && cert.thumbprintSha1Hex !== wanted,
    );
  }

  /** Admin consent: creates the app's service principal in `tenantId` (idempotent). */
  consent(appId: string, tenantId: string): string {
    this.requireApp(appId);
    if (!this.tenants.has(tenantId)) throw new Error(`consent: unknown tenant ${tenantId}`);
    const key = `${tenantId}|${appId}`;
    let objectId = this.servicePrincipals.get(key);
    if (objectId === undefined) {
      objectId = randomUUID();
      this.servicePrincipals.set(key, objectId);
    }
    return objectId;
  }

  /** Deletes the service principal from `tenantId`; a later consent creates a new object id. */
  revokeConsent(appId: string, tenantId: string): void {
    this.servicePrincipals.delete(`${tenantId}|${appId}`);
  }

  servicePrincipalObjectId(appId: string, tenantId: string): string | undefined {
    return this.servicePrincipals.get(`${tenantId}|${appId}`);
  }

  private requireApp(appId: string): AppRegistration {
    const app = this.apps.get(appId);
    if (app === undefined) throw new Error(`unknown app ${appId}`);
    return app;
  }
}
