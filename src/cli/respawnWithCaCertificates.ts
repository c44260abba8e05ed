/**
 * NODE_EXTRA_CA_CERTS (the test bed's CA, a corporate TLS-inspecting proxy's root) is read by
 * Node once, at process start: setting process.env later has no effect on TLS. Core Tools
 * gets away with it because it starts the worker with local.settings.json's Values already in
 * its environment. The CLI does the same: when only local.settings.json sets it, the CLI
 * starts itself once more with it set, and passes the exit code (and Ctrl-C) through.
 */
import { spawn } from 'node:child_process';
import { constants } from 'node:os';

import { readLocalSettingsValues } from '../lib/settings';
import { parseCommandLine } from './args';
import { localSettingsPath } from './settingsSource';

const CA_VARIABLE = 'NODE_EXTRA_CA_CERTS';
/** Set in the child so that a file the child still cannot use never causes a spawn loop. */
const RESPAWNED_MARKER = 'DVS2S_CLI_RESPAWNED';

/** The CA file local.settings.json asks for when the process started without one, else undefined. */
function caCertificatesToApply(argv: readonly string[], cwd: string): string | undefined {
  if (process.env[CA_VARIABLE] !== undefined || process.env[RESPAWNED_MARKER] !== undefined) {
    return undefined;
  }
  try {
    const command = parseCommandLine(argv);
    if (command.kind === 'help') return undefined;
    const path = localSettingsPath(command.common.settingsPath, cwd);
    if (path === undefined) return undefined;
    return readLocalSettingsValues(path, process.env)[CA_VARIABLE];
  } catch {
    // A bad command line or settings file is reported by main itself, in this process.
    return undefined;
  }
}

/**
 * Re-runs the CLI in a child process with NODE_EXTRA_CA_CERTS from local.settings.json, and
 * resolves with the child's exit code. Returns undefined when no re-spawn is needed.
 */
export function respawnWithCaCertificates(
  argv: readonly string[],
  cwd: string,
): Promise<number> | undefined {
  const caFile = caCertificatesToApply(argv, cwd);
  if (caFile === undefined) return undefined;
  process.stderr.write(
    `note: restarting with ${CA_VARIABLE} from local.settings.json (Node reads it only at start)\n`,
  );
  const child = spawn(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: { ...process.env, [CA_VARIABLE]: caFile, [RESPAWNED_MARKER]: '1' },
  });
  // A terminal's Ctrl-C reaches both processes (one process group); `kill -INT <pid>` only this
  // one. Forwarding covers the second case; the child ignores a duplicate within a second.
  const forward = (): void => {
    child.kill('SIGINT');
  };
  process.on('SIGINT', forward);
  return new Promise<number>((resolvePromise) => {
    const done = (code: number): void => {
      process.off('SIGINT', forward);
      resolvePromise(code);
    };
    child.on('error', (error) => {
      process.stderr.write(`error: could not restart the CLI: ${error.message}\n`);
      done(1);
    });
    child.on('exit', (code, signal) => {
      done(code ?? (signal === null ? 1 : 128 + constants.signals[signal]));
    });
  });
}
