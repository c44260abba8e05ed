import { isExpiredChangeTokenError as isExpiredChangeTokenClass } from '../dataverse/errors';
import { IntegrationError, isIntegrationError } from '../errors';

/** Dataverse ExpiredVersionStamp: the delta token is older than the org's retention. */
export const EXPIRED_CHANGE_TOKEN_CODE = '0x80044352';

/**
 * True when a change-tracking call failed because the delta token expired: the client's
 * ExpiredChangeTokenError, or any of our errors carrying ExpiredVersionStamp's code (hex or
 * decimal), so a client that forgets the subclass still triggers the full resync.
 */
export function isExpiredChangeTokenError(error: unknown): boolean {
  return (
    isExpiredChangeTokenClass(error) ||
    (isIntegrationError(error) &&
      (error.code === EXPIRED_CHANGE_TOKEN_CODE || error.code === '-2147204270'))
  );
}

/** Another writer changed the checkpoint since this run read it. */
export class CheckpointConflictError extends IntegrationError {
  override readonly name: string = 'CheckpointConflictError';
}

/** The run lost its lease (renewal failed) and stopped so two runs never write at once. */
export class LeaseLostError extends IntegrationError {
  override readonly name: string = 'LeaseLostError';
}
