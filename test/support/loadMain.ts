import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/** One function as the Functions host would see it: name plus binding metadata. */
export interface Registration {
  name: string;
  bindings: Record<string, Record<string, unknown>>;
}

const fakeCorePath = resolve(__dirname, 'fake-functions-core.cjs');

/**
 * Loads the app the way the Functions host does — every file matched by package.json `main` —
 * in a fresh Node process with the fake worker API preloaded, and returns what registered.
 */
export async function loadMainRegistrations(appRoot: string): Promise<Registration[]> {
  const pkg = JSON.parse(readFileSync(join(appRoot, 'package.json'), 'utf8')) as { main: string };
  const script = `
    const { globSync } = require('node:fs');
    const path = require('node:path');
    const files = typeof globSync === 'function'
      ? globSync(${JSON.stringify(pkg.main)}, { cwd: process.cwd() })
      : require('node:fs').readdirSync(path.dirname(${JSON.stringify(pkg.main)})).filter((f) => f.endsWith('.js')).map((f) => path.join(path.dirname(${JSON.stringify(pkg.main)}), f));
    if (files.length === 0) throw new Error('main matched no file: ' + ${JSON.stringify(pkg.main)});
    for (const file of files.sort()) require(path.resolve(file));
  `;
  const { stdout } = await execFileAsync(
    process.execPath,
    ['--require', fakeCorePath, '-e', script],
    { cwd: appRoot, env: { ...process.env, FUNCTIONS_WORKER_RUNTIME: 'node' } },
  );
  const line = stdout.split('\n').find((l) => l.startsWith('REGISTRATIONS='));
  if (line === undefined) throw new Error(`main did not finish loading:\n${stdout}`);
  return JSON.parse(line.slice('REGISTRATIONS='.length)) as Registration[];
}
