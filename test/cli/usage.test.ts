import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { main } from '../../src/cli/main';
import type { HealthReport } from '../../src/lib/health';
import { CapturedOutput } from './cliHarness';

const emptyDirectory = mkdtempSync(join(tmpdir(), 'dataverse-cli-empty-'));
afterAll(() => {
  rmSync(emptyDirectory, { recursive: true, force: true });
});

/** Runs the CLI with no settings at all: an empty environment and no local.settings.json. */
async function run(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new CapturedOutput();
  const stderr = new CapturedOutput();
  const code = await main(argv, { stdout, stderr, env: {}, cwd: emptyDirectory });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

describe('dataverse-s2s command line', () => {
  it('--help lists every command and option and exits 0', async () => {
    const result = await run(['--help']);

    expect(result.code).toBe(0);
    for (const word of ['health', 'doctor', 'sync', '--settings', '--env', '--full', '--verbose']) {
      expect(result.stdout).toContain(word);
    }
    expect(result.stderr).toBe('');
  });

  it.each([
    [['frobnicate'], "Unknown command 'frobnicate'."],
    [[], 'No command given.'],
    [['doctor', '--full'], '--full applies to sync, not doctor.'],
    [['health', '--env', 'contoso'], '--env applies to sync, not health.'],
    [['sync', '--bogus'], "Unknown option '--bogus'"],
    [['sync', 'now'], "Unexpected argument 'now'."],
  ])('%j is a usage error: the reason, the usage, exit 2', async (argv, reason) => {
    const result = await run(argv);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain(reason);
    expect(result.stderr).toContain('Usage: dataverse-s2s <command> [options]');
    expect(result.stdout).toBe('');
  });

  it('health without any settings prints a failing health+json report naming the missing settings', async () => {
    const result = await run(['health']);

    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as HealthReport;
    expect(report.status).toBe('fail');
    expect(report.output).toContain('DATAVERSE_TENANT_ID: is required');
    expect(report.output).toContain('DATAVERSE_CLIENT_ID: is required');
  });

  it('sync without any settings prints the described error, never a stack trace, and exits 1', async () => {
    const result = await run(['sync']);

    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error: settings: \d+ app settings are missing or invalid/);
    expect(result.stderr).toContain('Fix: Fix the listed app settings');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});
