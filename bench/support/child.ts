import { spawn } from 'node:child_process';
import { join } from 'node:path';

import type { ChildName, ChildTypes } from './childTypes';

const RESULT_PREFIX = 'BENCH_RESULT=';
const INPUT_VARIABLE = 'BENCH_INPUT';

/** Where the child scripts live. */
export const CHILDREN_DIRECTORY = join(__dirname, '..', 'children');

/**
 * Runs `bench/children/<name>.ts` in a fresh Node process (TypeScript through tsx's CommonJS
 * hook, no loader thread) with `input` as JSON, and resolves with the JSON it reports.
 * The child inherits this process's environment, so it trusts the test bed's CA too.
 */
export async function runChild<K extends ChildName>(
  name: K,
  input: ChildTypes[K][0],
  nodeArguments: readonly string[] = [],
): Promise<ChildTypes[K][1]> {
  const script = join(CHILDREN_DIRECTORY, `${name}.ts`);
  const child = spawn(process.execPath, [...nodeArguments, '--require', 'tsx/cjs', script], {
    env: { ...process.env, [INPUT_VARIABLE]: JSON.stringify(input) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', resolve);
  });
  const line = stdout.split('\n').find((l) => l.startsWith(RESULT_PREFIX));
  if (code !== 0 || line === undefined) {
    throw new Error(`bench child ${name} failed (exit ${String(code)}):\n${stderr || stdout}`);
  }
  return JSON.parse(line.slice(RESULT_PREFIX.length)) as ChildTypes[K][1];
}

/** In a child: its input, as the parent passed it. */
export function childInput<K extends ChildName>(_name: K): ChildTypes[K][0] {
  const raw = process.env[INPUT_VARIABLE];
  if (raw === undefined) throw new Error(`${INPUT_VARIABLE} is not set: run through runChild`);
  return JSON.parse(raw) as ChildTypes[K][0];
}

/** In a child: reports the result (one line) and exits 0; failures exit 1 with the message. */
export function reportFromChild<K extends ChildName>(
  _name: K,
  work: () => Promise<ChildTypes[K][1]>,
): void {
  work().then(
    (output) => {
      process.stdout.write(`${RESULT_PREFIX}${JSON.stringify(output)}\n`);
      process.exit(0);
    },
    (error: unknown) => {
      process.stderr.write(
        `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      );
      process.exit(1);
    },
  );
}

/** Peak resident set size of this process so far, in MB (getrusage ru_maxrss). */
export function peakRssInMb(): number {
  return process.resourceUsage().maxRSS / 1024;
}
