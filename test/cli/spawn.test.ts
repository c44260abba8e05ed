import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { startTestBed, type TestBed } from '@dataverse-s2s/testbed';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { doctorSteps } from './cliHarness';

/** Built by `npm test` (npm run build) before vitest runs; build first when running alone. */
const compiledCli = resolve(__dirname, '../../dist/src/cli/main.js');

let bed: TestBed;
let directory: string;
const children = new Set<ChildProcess>();
const outputs: string[] = [];

beforeAll(async () => {
  if (!existsSync(compiledCli)) {
    throw new Error(`${compiledCli} is missing: run \`npm run build\` before this test`);
  }
  bed = await startTestBed({ azurite: true });
  directory = mkdtempSync(join(tmpdir(), 'dataverse-cli-spawn-'));
  // What `npm run testbed` tells a developer to paste: app settings plus the variables the
  // Azure SDK and Node read from the process environment.
  const values = { ...bed.appSettings(), ...bed.processEnvironment() };
  writeFileSync(
    join(directory, 'local.settings.json'),
    JSON.stringify({ IsEncrypted: false, Values: values }),
  );
});
afterEach(() => {
  // The CLI may have re-spawned itself: kill its whole process group, grandchild included.
  for (const child of children) {
    if (child.pid !== undefined) {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
  }
  children.clear();
});
afterAll(async () => {
  rmSync(directory, { recursive: true, force: true });
  await bed.stop();
});

/** A shell's environment: none of the bed's variables, so only local.settings.json can supply them. */
function environmentWithoutBed(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  for (const name of Object.keys(bed.processEnvironment())) Reflect.deleteProperty(env, name);
  return env;
}

async function runCompiled(
  argv: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [compiledCli, ...argv], {
    cwd: directory,
    env,
    detached: true,
  });
  children.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const code = await new Promise<number | null>((resolveExit, reject) => {
    child.on('error', reject);
    child.on('close', resolveExit);
  });
  children.delete(child);
  outputs.push(stdout, stderr);
  return { code, stdout, stderr };
}

describe('compiled dataverse-s2s', () => {
  it('doctor re-spawns itself with NODE_EXTRA_CA_CERTS from local.settings.json and passes every step', async () => {
    const run = await runCompiled(['doctor'], environmentWithoutBed());

    expect(run.stderr).toContain(
      'note: restarting with NODE_EXTRA_CA_CERTS from local.settings.json',
    );
    const steps = doctorSteps(run.stdout);
    expect(steps.size).toBe(10);
    for (const [step, { status }] of steps)
      expect({ step, status }).toEqual({ step, status: 'PASS' });
    expect(run.code).toBe(0);
  });

  it("without the re-spawn the same settings cannot verify the bed's TLS certificate", async () => {
    // The marker is what the re-spawned child carries: it switches the re-spawn off.
    const run = await runCompiled(['doctor'], environmentWithoutBed({ DVS2S_CLI_RESPAWNED: '1' }));

    expect(run.stderr).not.toContain('restarting');
    const steps = doctorSteps(run.stdout);
    // The managed-identity endpoint is plain http on loopback (as on App Service); Key Vault is https.
    expect(steps.get('managed identity token')?.status).toBe('PASS');
    expect(steps.get('Key Vault read')?.status).toBe('FAIL');
    expect(steps.get('Key Vault read')?.detail).toContain('[SELF_SIGNED_CERT_IN_CHAIN]');
    expect(run.code).toBe(1);
  });

  it('never prints a planted secret or an issued token', () => {
    const all = outputs.join('\n');
    expect(bed.plantedSecrets().filter((secret) => all.includes(secret))).toEqual([]);
  });
});
