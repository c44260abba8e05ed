import { type ChildProcess, spawn } from 'node:child_process';
import { createConnection, createServer, type Server } from 'node:net';
import { dirname, join } from 'node:path';

/** The emulator's well-known development account (public, documented by Microsoft). */
export const AZURITE_ACCOUNT_NAME = 'devstoreaccount1';
export const AZURITE_ACCOUNT_KEY =
  'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

export interface StartAzuriteOptions {
  /**
   * Workspace folder (`--location`). Without it Azurite keeps everything in memory, and
   * `restart()` comes back empty; pass a temp folder when a test needs data to survive.
   */
  location?: string;
  /** How long to wait for the three ports to accept connections. Default 20 s. */
  startTimeoutInMs?: number;
}

/** A running Azurite child process started by {@link startAzurite}. */
export interface RunningAzurite {
  /** Explicit-endpoint connection string for the development account. */
  connectionString: string;
  /** e.g. http://127.0.0.1:PORT/devstoreaccount1 */
  blobEndpoint: string;
  tableEndpoint: string;
  queueEndpoint: string;
  /** Kills the process (and its group) and waits until it has exited. Safe to call twice. */
  stop(): Promise<void>;
  /** Stops if running, then starts again on the same ports and location ("storage back up"). */
  restart(): Promise<void>;
}

/** Azurite's CLI entry, wherever npm installed the package (hoisted to the workspace root). */
const AZURITE_ENTRY = join(
  dirname(require.resolve('azurite/package.json')),
  'dist',
  'src',
  'azurite.js',
);

/**
 * Starts the real Azure Storage emulator on free 127.0.0.1 ports so parallel test files never
 * collide. Resolves once blob, queue and table ports accept connections.
 */
export async function startAzurite(options: StartAzuriteOptions = {}): Promise<RunningAzurite> {
  const [blobPort, queuePort, tablePort] = await findFreePorts(3);
  if (blobPort === undefined || queuePort === undefined || tablePort === undefined) {
    throw new Error('startAzurite: could not find free ports');
  }
  const startTimeoutInMs = options.startTimeoutInMs ?? 20_000;
  const args = [
    AZURITE_ENTRY,
    '--silent',
    '--skipApiVersionCheck',
    '--loose',
    '--disableTelemetry',
    '--blobHost',
    '127.0.0.1',
    '--queueHost',
    '127.0.0.1',
    '--tableHost',
    '127.0.0.1',
    '--blobPort',
    String(blobPort),
    '--queuePort',
    String(queuePort),
    '--tablePort',
    String(tablePort),
    ...(options.location === undefined
      ? ['--inMemoryPersistence']
      : ['--location', options.location]),
  ];

  let child: ChildProcess | undefined;
  const start = async (): Promise<void> => {
    const started = spawn(process.execPath, args, { detached: true, stdio: 'ignore' });
    child = started;
    process.on('exit', killOnExit);
    await waitForPorts([blobPort, queuePort, tablePort], started, startTimeoutInMs);
  };
  // Last resort if a test run dies without afterAll: never leave an emulator behind.
  const killOnExit = (): void => {
    if (child?.pid !== undefined && child.exitCode === null) killGroup(child.pid, 'SIGKILL');
  };
  const stop = async (): Promise<void> => {
    const running = child;
    child = undefined;
    process.off('exit', killOnExit);
    if (running?.pid === undefined || running.exitCode !== null || running.signalCode !== null) {
      return;
    }
    const exited = new Promise<void>((resolve) =>
      running.once('exit', () => {
        resolve();
      }),
    );
    killGroup(running.pid, 'SIGTERM');
    const forceKill = setTimeout(() => {
      if (running.pid !== undefined) killGroup(running.pid, 'SIGKILL');
    }, 3_000);
    await exited;
    clearTimeout(forceKill);
  };

  try {
    await start();
  } catch (error) {
    await stop();
    throw error;
  }

  const base = (port: number): string => `http://127.0.0.1:${String(port)}/${AZURITE_ACCOUNT_NAME}`;
  const blobEndpoint = base(blobPort);
  const queueEndpoint = base(queuePort);
  const tableEndpoint = base(tablePort);
  return {
    connectionString:
      `DefaultEndpointsProtocol=http;AccountName=${AZURITE_ACCOUNT_NAME};` +
      `AccountKey=${AZURITE_ACCOUNT_KEY};BlobEndpoint=${blobEndpoint};` +
      `QueueEndpoint=${queueEndpoint};TableEndpoint=${tableEndpoint};`,
    blobEndpoint,
    queueEndpoint,
    tableEndpoint,
    stop,
    restart: async () => {
      await stop();
      await start();
    },
  };
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal); // detached: the child leads its own process group
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}

/** Asks the OS for `count` distinct free ports (all held open together so none repeats). */
async function findFreePorts(count: number): Promise<number[]> {
  const servers: Server[] = [];
  try {
    const ports: number[] = [];
    for (let i = 0; i < count; i += 1) {
      const server = createServer();
      servers.push(server);
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, '127.0.0.1', () => {
          resolve();
        });
      });
      const address = server.address();
      if (address === null || typeof address === 'string') throw new Error('no TCP address');
      ports.push(address.port);
    }
    return ports;
  } finally {
    await Promise.all(
      servers.map(
        (server) =>
          new Promise<void>((resolve) =>
            server.close(() => {
              resolve();
            }),
          ),
      ),
    );
  }
}

async function waitForPorts(
  ports: number[],
  child: ChildProcess,
  timeoutInMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutInMs;
  for (const port of ports) {
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(`Azurite exited during start (code ${String(child.exitCode)})`);
      }
      if (await canConnect(port)) break;
      if (Date.now() > deadline) throw new Error(`Azurite did not open port ${String(port)}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => {
      socket.destroy();
      resolve(false);
    });
  });
}
