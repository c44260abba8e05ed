import type { Logger } from '../util';
import { loadComposition } from './load';
import { memoizeRuntime } from './memoize';
import { logStartupFailure } from './startupFailure';
import type { Runtime } from './types';

/**
 * Process-wide logger for the shared clients (retries, throttling). In a Functions worker
 * console output reaches Application Insights; per-invocation work logs through the context.
 */
const processLogger: Logger = {
  info: (message) => {
    console.info(message);
  },
  warn: (message) => {
    console.warn(message);
  },
  error: (message) => {
    console.error(message);
  },
};

const shared = memoizeRuntime(async () => {
  const { createRuntime } = await loadComposition();
  try {
    return await createRuntime({ logger: processLogger });
  } catch (error) {
    logStartupFailure(processLogger, error);
    throw error;
  }
});

/** The one runtime of this process, built on first use (see memoizeRuntime for the rules). */
export function getSharedRuntime(): Promise<Runtime> {
  return shared.get();
}
