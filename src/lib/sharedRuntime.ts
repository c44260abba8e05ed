import type { Logger } from './logger';
import { memoizeRuntime, type Runtime } from './runtime';

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
  // Loaded on first use, not when the host loads the function files: the Azure SDKs behind the
  // runtime take most of a cold start, and registration must not wait for them.
  const { createRuntime, logStartupFailure } = await import('./createRuntime.js');
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
