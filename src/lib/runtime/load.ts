/**
 * The composition module (compose.ts), loaded on first use. The Azure SDKs behind the runtime
 * (identity, Key Vault, storage, axios) take most of a cold start; the Functions host loads the
 * function files to register them, and registration must not wait for those SDKs. So nothing
 * that a function file imports may import compose.ts statically: it goes through here.
 */
export async function loadComposition(): Promise<typeof import('./compose')> {
  return await import('./compose.js');
}
