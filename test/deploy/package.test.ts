// Proves what the chosen deployment path ships and runs: a REMOTE build on Flex Consumption
// (docs/deployment.md). The upload is the working tree minus .funcignore (gitignore rules, as
// `func azure functionapp publish` and `azd deploy` apply them); the platform then runs
// `npm install`, `npm run build` and `npm run build:azure`. This test stages the upload in a
// temp dir, builds it the same way, installs production dependencies only (what build:azure's
// prune leaves) and loads `main` with the fake worker API to see what registers.
import { execFile } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  unlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { promisify } from 'node:util';

import ignore from 'ignore';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { loadMainRegistrations, type Registration } from '../support/loadMain';

const execFileAsync = promisify(execFile);
const repoRoot = join(__dirname, '..', '..');
const funcignore = ignore().add(readFileSync(join(repoRoot, '.funcignore'), 'utf8'));

interface PackageJson {
  main: string;
  scripts?: Record<string, string>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}
const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as PackageJson;

/** Every file in the working tree, relative and with '/', skipping what .funcignore drops whole. */
function workingTreeFiles(): string[] {
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = relative(repoRoot, join(dir, entry.name)).split('\\').join('/');
      if (entry.isDirectory()) {
        if (!funcignore.ignores(`${path}/`)) walk(join(dir, entry.name));
      } else {
        files.push(path);
      }
    }
  };
  walk(repoRoot);
  return files.sort();
}

/** Runs a command; on failure the error carries its output, which says what broke the build. */
async function run(command: string, args: string[], cwd: string): Promise<void> {
  try {
    await execFileAsync(command, args, { cwd });
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    throw new Error(`${command} ${args.join(' ')} failed:\n${stdout ?? ''}\n${stderr ?? ''}`);
  }
}

function binding(
  registration: Registration | undefined,
  type: string,
): Record<string, unknown> | undefined {
  return Object.values(registration?.bindings ?? {}).find((b) => b.type === type);
}

const upload = workingTreeFiles().filter((file) => !funcignore.ignores(file));

describe('deployment upload (.funcignore)', () => {
  it('uploads what the platform build needs: manifests, host.json, tsconfigs and every source file', () => {
    expect(upload).toEqual(
      expect.arrayContaining([
        'package.json',
        'package-lock.json',
        'host.json',
        'tsconfig.json',
        'tsconfig.build.json',
      ]),
    );
    const sources = workingTreeFiles().filter((f) => f.startsWith('src/') && f.endsWith('.ts'));
    expect(sources.length).toBeGreaterThan(0);
    expect(sources.filter((f) => !upload.includes(f))).toEqual([]);
  });

  it('uploads nothing secret, local or test-only', () => {
    const forbidden =
      /(^|\/)local\.settings(\.[^/]*)?\.json$|\.(pem|pfx|p12|key|cer|crt)$|(^|\/)\.env(\.|$)|^(test|packages|examples|bench|scripts|docs|infra|coverage|dist|node_modules|\.testbed|\.azure|\.git|\.ci)\//;
    expect(upload.filter((f) => forbidden.test(f))).toEqual([]);
  });

  it.each([
    'local.settings.json',
    'local.settings.sample.json',
    'dataverse-client.pem',
    'certs/dataverse-client.pfx',
    'src/lib/auth/dev-key.pem',
    'src/lib/auth/dev.key',
    '.env',
    '.azure/dev/.env',
    '.testbed/ca.pem',
    'packages/testbed/src/index.ts',
    'examples/webhook-receiver/receiver.ts',
    'test/lib/settings.test.ts',
    'bench/results/run.json',
    'scripts/demo.ts',
    'node_modules/vitest/package.json',
    'dist/src/functions/removedLongAgo.js',
    'coverage/index.html',
    'infra/main.bicep',
  ])('would leave %s out even if it existed', (path) => {
    expect(funcignore.ignores(path)).toBe(true);
  });

  it('prunes devDependencies on the platform after the build (package.json build:azure)', () => {
    // Oryx runs `npm install` (devDependencies included) and `npm run build`, then `build:azure`
    // if present; without the prune, vitest, azurite, eslint and typescript ship to production.
    expect(pkg.scripts?.['build:azure']).toMatch(/\bnpm prune\b.*(--omit[= ]dev|--production)/);
    expect(pkg.scripts?.build).toMatch(/\btsc\b/);
  });
});

describe('platform build of the upload (npm install, npm run build, npm run build:azure)', () => {
  let stagingDir = '';
  let appDir = '';
  let buildError: Error | undefined;

  beforeAll(async () => {
    stagingDir = mkdtempSync(join(tmpdir(), 'funcpkg-'));
    appDir = join(stagingDir, 'wwwroot');
    for (const file of upload) {
      mkdirSync(dirname(join(appDir, file)), { recursive: true });
      cpSync(join(repoRoot, file), join(appDir, file));
    }
    // `npm install` then `npm run build`: the repository's node_modules was installed from the
    // same lockfile, so it stands in for the install; linked, not copied, to keep this quick.
    const linked = join(appDir, 'node_modules');
    symlinkSync(join(repoRoot, 'node_modules'), linked, 'dir');
    try {
      await run('npm', ['run', 'build'], appDir);
    } catch (error) {
      // Reported by the registration test; the dependency checks below still run.
      buildError = error instanceof Error ? error : new Error(String(error));
    } finally {
      // Unlink before anything that prunes: the link points at the repository's own modules.
      unlinkSync(linked);
    }
    // `npm run build:azure` (npm prune --omit=dev) leaves production dependencies only.
    await run(
      'npm',
      ['ci', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund', '--prefer-offline'],
      appDir,
    );
  }, 180_000);

  afterAll(() => {
    if (stagingDir !== '') rmSync(stagingDir, { recursive: true, force: true });
  });

  it('registers exactly the health, syncDispatch and syncJob functions from the built package', async () => {
    if (buildError !== undefined) throw buildError;
    const registrations = await loadMainRegistrations(appDir);
    expect(registrations.map((r) => r.name).sort()).toEqual(['health', 'syncDispatch', 'syncJob']);
    const health = binding(
      registrations.find((r) => r.name === 'health'),
      'httpTrigger',
    );
    expect(health).toMatchObject({
      direction: 'in',
      methods: ['GET'],
      authLevel: 'function',
      route: 'health',
    });
    const sync = binding(
      registrations.find((r) => r.name === 'syncDispatch'),
      'timerTrigger',
    );
    expect(sync).toMatchObject({
      direction: 'in',
      schedule: '%SYNC_SCHEDULE%',
      runOnStartup: false,
    });
    const job = binding(
      registrations.find((r) => r.name === 'syncJob'),
      'queueTrigger',
    );
    expect(job).toMatchObject({
      direction: 'in',
      queueName: 'dataverse-sync-jobs',
      connection: 'AzureWebJobsStorage',
    });
  });

  it('runs with production dependencies only', () => {
    const modules = join(appDir, 'node_modules');
    const missing = Object.keys(pkg.dependencies ?? {}).filter(
      (name) => !existsSync(join(modules, name)),
    );
    expect(missing).toEqual([]);
    const devOnly = Object.keys(pkg.devDependencies ?? {}).filter((name) =>
      existsSync(join(modules, name)),
    );
    expect(devOnly).toEqual([]);
  });
});
