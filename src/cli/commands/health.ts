import { healthReportOrStartupFailure } from '../../lib/health';
import { createRuntime } from '../../lib/runtime';
import { type Logger, silentLogger } from '../../lib/util';
import type { CommonOptions } from '../args';
import { type CliIo, ExitCode } from '../io';
import { resolveSettingsSource } from '../settingsSource';
import { TerminalLogger } from '../terminalLogger';

/**
 * `health`: the report GET /api/health returns, as application/health+json on stdout (logs go
 * to stderr, so the output pipes into jq). A startup failure (bad settings, Key Vault
 * unreadable) is a failing report naming the fix.
 *
 * Decision: always the detailed descriptions, as HEALTH_DETAILED_ERRORS=true would give them.
 * The endpoint keeps the detail out of its body because anyone with a function key reads it and
 * the function's log holds the rest; here the operator runs the check with the app's own
 * settings in their own terminal, has no function log to turn to, and came for the fix.
 */
export async function runHealthCommand(options: CommonOptions, io: CliIo): Promise<number> {
  // The report carries every failure with its fix; the library's own log lines would repeat
  // them, so they are shown only on request.
  const logger: Logger = options.verbose
    ? new TerminalLogger({ stdout: io.stderr, stderr: io.stderr, showInfo: true, progress: false })
    : silentLogger;
  const report = await healthReportOrStartupFailure(
    async () => {
      const { source } = resolveSettingsSource(options.settingsPath, io);
      return (await createRuntime({ source, logger, detailedHealthErrors: true })).health;
    },
    logger,
    { detailedErrors: true },
  );
  io.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  return report.status === 'fail' ? ExitCode.failed : ExitCode.ok;
}
