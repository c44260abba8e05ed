import { randomUUID } from 'node:crypto';

import type { TokenAuthority } from '../tokens';
import { ERROR_CODES, SimHttpError } from './errors';

/** An application user of the environment (a systemuser bound to an Entra app id). */
export interface ApplicationUser {
  appId: string;
  systemUserId: string;
  enabled: boolean;
}

/** The application users of one environment, keyed by app id (case-insensitive). */
export class ApplicationUsers {
  private readonly users = new Map<string, ApplicationUser>();

  set(appId: string, enabled: boolean): void {
    const key = appId.toLowerCase();
    const existing = this.users.get(key);
    if (existing) existing.enabled = enabled;
    else this.users.set(key, { appId, systemUserId: randomUUID(), enabled });
  }

  remove(appId: string): void {
    this.users.delete(appId.toLowerCase());
  }

  get(appId: string): ApplicationUser | undefined {
    return this.users.get(appId.toLowerCase());
  }
}

export interface AuthSettings {
  tokens: TokenAuthority;
  /** Token audience: the environment URL. */
  audience: string;
  tenantId: string;
  organizationId: string;
  users: ApplicationUsers;
}

/**
 * 401 like Dataverse: empty body and a `WWW-Authenticate` challenge naming the tenant's
 * authorize endpoint and the resource (see README: the body shape is our reading of the
 * service, which answers token failures before its OData layer runs).
 */
export class UnauthorizedError extends SimHttpError {
  constructor(settings: AuthSettings) {
    const authority = settings.tokens.authorityHost.replace(/\/$/, '');
    super(401, '', 'Unauthorized', {
      'WWW-Authenticate': `Bearer authorization_uri=${authority}/${settings.tenantId}/oauth2/authorize, resource_id=${settings.audience}/`,
    });
  }
}

/**
 * Verifies the bearer token (signature, lifetime, audience = environment URL, tenant) and maps
 * its `appid` to an application user. Throws 401 / 403 as Dataverse does.
 */
export function authenticate(
  authorization: string | undefined,
  settings: AuthSettings,
): ApplicationUser {
  const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
  if (match === null) throw new UnauthorizedError(settings);
  const check = settings.tokens.verify(match[1] ?? '', settings.audience);
  if (!check.ok || check.claims.tid !== settings.tenantId) throw new UnauthorizedError(settings);
  const user = settings.users.get(check.claims.appid);
  if (user === undefined) {
    throw new SimHttpError(
      403,
      ERROR_CODES.notMember,
      'The user is not a member of the organization.',
    );
  }
  if (!user.enabled) {
    throw new SimHttpError(
      403,
      ERROR_CODES.userDisabled,
      `The user with SystemUserId=${user.systemUserId} is disabled. Disabled users cannot log in. Please enable this user or contact your system administrator.`,
    );
  }
  return user;
}
