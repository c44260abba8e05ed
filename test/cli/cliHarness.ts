import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { startTestBed, type TestBed, type TestBedOptions } from '@dataverse-s2s/testbed';

import { main } from '../../src/cli/main';

/** A stream that keeps what was written; `isTTY` pretends to be a terminal. */
export class CapturedOutput {
  text = '';
  constructor(
    readonly isTTY = false,
    readonly columns = 120,
  ) {}
  write(chunk: string): boolean {
    this.text += chunk;
    return true;
  }
}

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface CliRunOptions {
  /** Replaces the environment the CLI sees (default: a copy of process.env). */
  readonly env?: Record<string, string | undefined>;
  readonly cwd?: string;
  readonly signal?: AbortSignal;
  readonly tty?: boolean;
}

/**
 * One bed per test file (MSAL caches managed-identity tokens process-wide, so one identity
 * endpoint per file), with a local.settings.json holding the bed's app settings in a temp
 * directory that serves as the CLI's working directory. Every output is kept for leak scans.
 */
export class CliBed {
  readonly outputs: string[] = [];
  private savedEnv: Record<string, string | undefined> = {};

  private constructor(
    readonly bed: TestBed,
    readonly directory: string,
  ) {}

  static async start(options: TestBedOptions = {}): Promise<CliBed> {
    const bed = await startTestBed({ azurite: true, ...options });
    const directory = mkdtempSync(join(tmpdir(), 'dataverse-cli-'));
    const cliBed = new CliBed(bed, directory);
    cliBed.applyProcessEnvironment();
    writeFileSync(
      join(directory, 'local.settings.json'),
      JSON.stringify({ IsEncrypted: false, Values: bed.appSettings() }, null, 2),
    );
    return cliBed;
  }

  /** The Azure SDK reads the managed-identity endpoint from process.env itself. */
  private applyProcessEnvironment(): void {
    for (const [name, value] of Object.entries(this.bed.processEnvironment())) {
      this.savedEnv[name] = process.env[name];
      process.env[name] = value;
    }
  }

  async run(argv: readonly string[], options: CliRunOptions = {}): Promise<CliRun> {
    const stdout = new CapturedOutput(options.tty ?? false);
    const stderr = new CapturedOutput(options.tty ?? false);
    const code = await main(argv, {
      stdout,
      stderr,
      env: options.env ?? { ...process.env },
      cwd: options.cwd ?? this.directory,
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    });
    this.outputs.push(stdout.text, stderr.text);
    return { code, stdout: stdout.text, stderr: stderr.text };
  }

  /** Planted secrets and issued tokens found in any captured output (should be none). */
  leakedSecrets(): string[] {
    const all = this.outputs.join('\n');
    return this.bed.plantedSecrets().filter((secret) => secret !== '' && all.includes(secret));
  }

  async stop(): Promise<void> {
    for (const [name, value] of Object.entries(this.savedEnv)) {
      if (value === undefined) Reflect.deleteProperty(process.env, name);
      else process.env[name] = value;
    }
    rmSync(this.directory, { recursive: true, force: true });
    await this.bed.stop();
  }
}

/** Lines of doctor's output that start with a status word, keyed by step. */
export function doctorSteps(stdout: string): Map<string, { status: string; detail: string }> {
  const steps = new Map<string, { status: string; detail: string }>();
  for (const line of stdout.split('\n')) {
    const match = /^(PASS|FAIL|WARN|SKIP) (.+?): (.*)$/.exec(line);
    if (match) steps.set(match[2]!, { status: match[1]!, detail: match[3]! });
  }
  return steps;
}
