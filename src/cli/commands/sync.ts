import { ConfigurationError } from '../../lib/errors';
import { createRuntime } from '../../lib/runtime';
import type { Settings } from '../../lib/settings';
import { type CliIo, ExitCode } from '../io';
import { resolveSettingsSource } from '../settingsSource';
import { TerminalLogger } from '../terminalLogger';

export interface SyncCommandOptions {
  readonly settingsPath: string | undefined;
  readonly environmentNames: readonly string[] | undefined;
  readonly tables: readonly string[] | undefined;
  readonly full: boolean;
}

/** `--table` names a table some selected environment syncs. */
function checkTables(
  settings: Settings,
  environmentNames: readonly string[] | undefined,
  wanted: readonly string[] | undefined,
): void {
  if (wanted === undefined) return;
  const environments = settings.environments.filter(
    (environment) => environmentNames?.includes(environment.name) ?? true,
  );
  const known = [
    ...new Set(environments.flatMap((e) => e.tables.map((table) => table.logicalName))),
  ];
  const unknown = wanted.filter((name) => !known.includes(name));
  if (unknown.length === 0) return;
  throw new ConfigurationError(`no selected environment syncs table ${unknown.join(', ')}`, {
    step: 'sync --table',
    hint: `use one of: ${known.join(', ')} (SYNC_TABLES, or an environment's "tables"), by logical name`,
  });
}

function checkEnvironmentNames(settings: Settings, wanted: readonly string[] | undefined): void {
  if (wanted === undefined) return;
  const known = settings.environments.map((environment) => environment.name);
  const unknown = wanted.filter((name) => !known.includes(name));
  if (unknown.length === 0) return;
  throw new ConfigurationError(`no configured environment named ${unknown.join(', ')}`, {
    step: 'sync --env',
    hint: `use one of: ${known.join(', ')} (the names in DATAVERSE_ENVIRONMENTS)`,
  });
}

/**
 * `sync`: the jobs' engine, run from a terminal. Progress and the per-table summary lines come
 * from the engine through the terminal logger. Ctrl-C (io.signal) stops every table at its next
 * page boundary, after the checkpoint of the last applied page.
 */
export async function runSyncCommand(options: SyncCommandOptions, io: CliIo): Promise<number> {
  const logger = new TerminalLogger({
    stdout: io.stdout,
    stderr: io.stderr,
    showInfo: true,
    progress: true,
  });
  const { source } = resolveSettingsSource(options.settingsPath, io);
  const runtime = await createRuntime({ source, logger });
  checkEnvironmentNames(runtime.settings, options.environmentNames);
  checkTables(runtime.settings, options.environmentNames, options.tables);
  const jobs = runtime.sync.jobs({
    ...(options.environmentNames === undefined
      ? {}
      : { environmentNames: options.environmentNames }),
    ...(options.tables === undefined ? {} : { tables: options.tables }),
  });
  logger.start(jobs.map((job) => `${job.environment}/${job.table}`));
  try {
    const report = await runtime.sync.run({
      logger,
      ...(options.environmentNames === undefined
        ? {}
        : { environmentNames: options.environmentNames }),
      ...(options.tables === undefined ? {} : { tables: options.tables }),
      full: options.full,
      ...(io.signal === undefined ? {} : { signal: io.signal }),
    });
    if (io.signal?.aborted === true) {
      logger.warn(
        'interrupted: each table stopped at a page boundary with its checkpoint saved; the next run resumes there',
      );
      return ExitCode.interrupted;
    }
    if (report.anyFailed) return ExitCode.failed;
    // Nothing went wrong, but nothing was synced there either: a script must be able to tell.
    const locked = report.results.some((result) => result.outcome === 'skipped-locked');
    return locked ? ExitCode.locked : ExitCode.ok;
  } finally {
    logger.finish();
  }
}
