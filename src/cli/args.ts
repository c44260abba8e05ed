import { parseArgs } from 'node:util';

/** A parsed command line: what to run and with which options. */
export type CliCommand =
  | { readonly kind: 'help' }
  | { readonly kind: 'health'; readonly common: CommonOptions }
  | { readonly kind: 'doctor'; readonly common: CommonOptions }
  | {
      readonly kind: 'sync';
      readonly common: CommonOptions;
      /** Only these environments; undefined = every configured one. */
      readonly environmentNames: readonly string[] | undefined;
      /** Only these tables (logical names); undefined = each environment's tables. */
      readonly tables: readonly string[] | undefined;
      readonly full: boolean;
    };

export interface CommonOptions {
  /** `--settings <path>` as given (resolved against the working directory later). */
  readonly settingsPath: string | undefined;
  readonly verbose: boolean;
}

/** The command line could not be understood: print the message and the usage, exit 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export const USAGE = `Usage: dataverse-s2s <command> [options]

Runs the integration's operations from a terminal, with the same settings and code as the
function app.

Commands:
  health    Print the health report (application/health+json) that GET /api/health returns.
            Exit 0 for pass or warn, 1 for fail.
  doctor    Check step by step: settings, managed identity token, Key Vault read, per
            environment Entra token and WhoAmI, per table its definition (exists, change
            tracking on, columns readable), a first page and its sync state, then the
            credential version in use and its expiry. Prints PASS|FAIL|WARN|SKIP per step and
            the fix for each failure or warning. Exit 0 when nothing failed, 1 otherwise.
  sync      Sync the configured tables into the target in this process, 4 at a time (in Azure
            the syncJob function runs one per queue message). Exit 1 if any table failed, 3 if
            another run holds a table's lease (nothing synced there; the line says when the
            lease expires), 130 when stopped with Ctrl-C (the checkpoint is kept at the last
            page boundary; the next run resumes there).

Options:
  --settings <path>  local.settings.json to read. Default: ./local.settings.json when it exists,
                     else environment variables only. Environment variables win over its Values.
  --env <name>       sync: only this environment (repeat for several). Default: all.
  --table <name>     sync: only this table, by logical name (repeat for several). Default: each
                     environment's tables (SYNC_TABLES).
  --full             sync: start a full round (reload every row, then remove rows deleted meanwhile).
  -v, --verbose      health, doctor: also print the library's log lines, warnings included
                     (on stderr; the report itself already names every failure and its fix).
  -h, --help         Show this help.

Exit codes: 0 success, 1 failure, 2 usage error, 3 another run holds a lease, 130 interrupted.
`;

const COMMANDS = ['health', 'doctor', 'sync'] as const;
type CommandName = (typeof COMMANDS)[number];

function isCommandName(value: string): value is CommandName {
  return (COMMANDS as readonly string[]).includes(value);
}

/** Parses argv (without node and the script). Throws UsageError for anything it cannot run. */
export function parseCommandLine(argv: readonly string[]): CliCommand {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        help: { type: 'boolean', short: 'h' },
        settings: { type: 'string' },
        env: { type: 'string', multiple: true },
        table: { type: 'string', multiple: true },
        full: { type: 'boolean' },
        verbose: { type: 'boolean', short: 'v' },
      },
    });
  } catch (error) {
    // parseArgs explains the problem well ("Unknown option '--x'"); only the text is kept.
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const { values, positionals } = parsed;
  if (values.help === true) return { kind: 'help' };
  const [name, ...extra] = positionals;
  if (name === undefined) throw new UsageError('No command given.');
  if (!isCommandName(name)) throw new UsageError(`Unknown command '${name}'.`);
  if (extra.length > 0) throw new UsageError(`Unexpected argument '${extra.join(' ')}'.`);
  const common: CommonOptions = {
    settingsPath: values.settings,
    verbose: values.verbose ?? false,
  };
  if (name === 'sync') {
    return {
      kind: 'sync',
      common,
      environmentNames: values.env,
      tables: values.table,
      full: values.full ?? false,
    };
  }
  if (values.env !== undefined) throw new UsageError(`--env applies to sync, not ${name}.`);
  if (values.table !== undefined) throw new UsageError(`--table applies to sync, not ${name}.`);
  if (values.full !== undefined) throw new UsageError(`--full applies to sync, not ${name}.`);
  return { kind: name, common };
}
