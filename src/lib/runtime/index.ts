/**
 * The process-wide runtime: its type (types.ts), how it is built from settings (compose.ts),
 * the memoised build (memoize.ts) and the one shared instance of this process (shared.ts).
 * This index stays light on purpose: the composition and the SDKs behind it load on first use
 * (load.ts), so the function files that import it register in milliseconds.
 */
import { loadComposition } from './load';
import type { Runtime, RuntimeOptions } from './types';

export { loadComposition } from './load';
export { memoizeRuntime, type RuntimeFactory } from './memoize';
export { getSharedRuntime } from './shared';
export { logStartupFailure } from './startupFailure';
export type { Runtime, RuntimeOptions } from './types';

/** Builds a runtime of its own (the CLI, tests): settings, token provider, clients, services. */
export async function createRuntime(options: RuntimeOptions): Promise<Runtime> {
  return await (await loadComposition()).createRuntime(options);
}
