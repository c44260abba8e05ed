#!/usr/bin/env node
/**
 * `dataverse-s2s`: the app's operations from a terminal (health, doctor, sync), with the same
 * settings and code path as the function app. `main` is pure with respect to its inputs
 * (argv, streams, environment, working directory, a Ctrl-C signal) so tests run it
 * in-process; the bottom of this file wires it to the real process.
 */
import { describeError, InterruptedError } from '../lib/errors';
import { parseCommandLine, USAGE, UsageError } from './args';
import { runDoctorCommand } from './commands/doctor';
import { runHealthCommand } from './commands/health';
import { runSyncCommand } from './commands/sync';
import { type CliIo, ExitCode } from './io';
import { respawnWithCaCertificates } from './respawnWithCaCertificates';

/** Runs one command line and resolves with its exit code; never throws, never prints a stack. */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  let command;
  try {
    command = parseCommandLine(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr.write(`error: ${error.message}\n\n${USAGE}`);
    return ExitCode.usage;
  }
  try {
    switch (command.kind) {
      case 'help':
        io.stdout.write(USAGE);
        return ExitCode.ok;
      case 'health':
        return await runHealthCommand(command.common, io);
      case 'doctor':
        return await runDoctorCommand(command.common, io);
      case 'sync':
        return await runSyncCommand(
          {
            settingsPath: command.common.settingsPath,
            environmentNames: command.environmentNames,
            tables: command.tables,
            full: command.full,
          },
          io,
        );
    }
  } catch (error) {
    // Library errors describe themselves (step, code, fix) without secrets; anything else is
    // reduced to its name and message.
    io.stderr.write(`error: ${describeError(error)}\n`);
    return ExitCode.failed;
  }
}

/** A terminal delivers Ctrl-C to the re-spawning parent and to us; the parent forwards it too. */
const DUPLICATE_INTERRUPT_WINDOW_IN_MS = 1_000;

/** Runs `main` on the real process: first Ctrl-C stops cleanly, a second one exits at once. */
async function runInThisProcess(): Promise<number> {
  const interrupt = new AbortController();
  let firstInterruptAt: number | undefined;
  const onInterrupt = (): void => {
    const now = Date.now();
    if (firstInterruptAt === undefined) {
      firstInterruptAt = now;
      process.stderr.write('\nstopping at the next page boundary (Ctrl-C again to quit now)\n');
      interrupt.abort(new InterruptedError('stopped by Ctrl-C'));
    } else if (now - firstInterruptAt > DUPLICATE_INTERRUPT_WINDOW_IN_MS) {
      process.exit(ExitCode.interrupted);
    }
  };
  process.on('SIGINT', onInterrupt);
  try {
    return await main(process.argv.slice(2), {
      stdout: process.stdout,
      stderr: process.stderr,
      env: process.env,
      cwd: process.cwd(),
      signal: interrupt.signal,
    });
  } finally {
    process.off('SIGINT', onInterrupt);
  }
}

if (require.main === module) {
  const exit =
    respawnWithCaCertificates(process.argv.slice(2), process.cwd()) ?? runInThisProcess();
  void exit.then((code) => {
    process.exitCode = code;
    // Let output drain and the loop empty on its own; if a library timer or socket still
    // holds it open, do not leave the terminal hanging.
    setTimeout(() => process.exit(code), 2_000).unref();
  });
}
