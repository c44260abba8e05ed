/** A stream the CLI writes to: process.stdout/stderr, or a test's capture. */
export interface CliOutput {
  write(text: string): unknown;
  /** True on an interactive terminal: progress is redrawn in place instead of logged. */
  readonly isTTY?: boolean;
  /** Terminal width, to keep the redrawn progress line on one row. */
  readonly columns?: number;
}

/**
 * Everything the CLI touches outside its arguments, injected so tests run `main` in-process.
 * The bin entry passes the real process (see main.ts).
 */
export interface CliIo {
  readonly stdout: CliOutput;
  readonly stderr: CliOutput;
  /**
   * The real environment. In the bin this IS process.env: platform variables that only
   * local.settings.json supplies are copied into it, because the Azure SDK reads them from
   * process.env itself (see settingsSource.ts).
   */
  readonly env: Record<string, string | undefined>;
  /** Where `local.settings.json` is looked for and `--settings` is resolved from. */
  readonly cwd: string;
  /** Aborted on Ctrl-C: sync stops at the next page boundary with its checkpoint saved. */
  readonly signal?: AbortSignal;
}

/** Exit codes of every command. */
export const ExitCode = {
  ok: 0,
  failed: 1,
  usage: 2,
  /** sync did nothing because another run holds an environment's lease (try again later). */
  locked: 3,
  /** 128 + SIGINT, the shell convention for "stopped by Ctrl-C". */
  interrupted: 130,
} as const;
