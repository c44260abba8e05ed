import { describeError } from '../errors';
import type { Logger } from '../util';

/** Startup failures, logged once with their fix before the promise is dropped. */
export function logStartupFailure(logger: Logger, error: unknown): void {
  logger.error(`Dataverse runtime could not start: ${describeError(error)}`);
}
