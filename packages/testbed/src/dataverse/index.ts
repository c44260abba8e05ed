import { startServer } from '../httpServer';
import type { TokenAuthority } from '../tokens';
import { SimEnvironmentState } from './environment';
import { resolveEnvironmentOptions } from './environmentOptions';
import { createRequestHandler } from './requestHandler';
import type { DataverseSimulator, SimEnvironment, SimEnvironmentOptions } from './types';

export { DEFAULT_DOP_HINT, DEFAULT_LIMITS } from './environmentOptions';
export { modelledLatencyMs, theoreticalRowsPerSecond } from './latency';
export type * from './types';

export interface StartDataverseOptions {
  /** PEM server certificate and key (the test bed's, trusted through NODE_EXTRA_CA_CERTS). */
  tls: { cert: string; key: string };
  /** Verifies bearer tokens; the simulator never issues any. */
  tokens: TokenAuthority;
  environments: SimEnvironmentOptions[];
}

/**
 * Starts one HTTPS server per environment on 127.0.0.1 (OS-chosen port). Each environment's
 * `url` (`https://127.0.0.1:PORT`) is its token audience; the Web API lives under
 * `url + /api/data/v9.2/`.
 */
export async function startDataverse(options: StartDataverseOptions): Promise<DataverseSimulator> {
  const names = new Set<string>();
  for (const environment of options.environments) {
    if (names.has(environment.name))
      throw new Error(`Duplicate Dataverse environment name '${environment.name}'`);
    names.add(environment.name);
  }
  const environments: SimEnvironmentState[] = [];
  const stops: (() => Promise<void>)[] = [];
  const stop = async (): Promise<void> => {
    for (const environment of environments) environment.clearFaults();
    await Promise.all(stops.map((stopServer) => stopServer()));
  };
  try {
    for (const environmentOptions of options.environments) {
      const resolved = resolveEnvironmentOptions(environmentOptions);
      const holder: { state?: SimEnvironmentState } = {};
      const server = await startServer(
        createRequestHandler(() => holder.state),
        { tls: options.tls },
      );
      stops.push(() => server.stop());
      holder.state = new SimEnvironmentState(server.url, resolved, options.tokens);
      environments.push(holder.state);
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    environments,
    environment(name: string): SimEnvironment {
      const found = environments.find((environment) => environment.name === name);
      if (found === undefined) {
        throw new Error(
          `No Dataverse environment '${name}' (have: ${environments.map((e) => e.name).join(', ')})`,
        );
      }
      return found;
    },
    stop,
  };
}
