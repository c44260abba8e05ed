import type { Logger } from '../lib/util';
import type { CliOutput } from './io';

/**
 * The sync engine's progress line (src/lib/sync/progress.ts RunCounters.progressLine):
 * "sync <env>/<table>: <kind> round, generation <n>: <pages> pages, <rows> rows, <rate> rows/s".
 * If that wording ever changes, progress simply prints as plain lines: nothing breaks.
 */
const PROGRESS_LINE = /^sync (\S+?): .*?(\d+) pages, (\d+) rows, (\d+) rows\/s$/;
/** Any per-table engine line; a summary line ends that table's progress. */
const JOB_LINE = /^sync (\S+?): /;

const CLEAR_LINE = '\r\x1b[2K';

export interface TerminalLoggerOptions {
  readonly stdout: CliOutput;
  readonly stderr: CliOutput;
  /** Print info lines (sync: yes; health and doctor: only with --verbose). */
  readonly showInfo: boolean;
  /** Redraw progress in one line when stdout is a terminal (sync only). */
  readonly progress: boolean;
}

/**
 * Adapts the library's Logger to a terminal: info on stdout, warnings and errors on stderr.
 * With `progress` on a TTY, the engine's progress lines become one status line redrawn with
 * \r (env, pages, rows, rows/s); every other line is printed above it. Off a TTY (a pipe, a
 * CI log) every line is printed as is, so logs stay greppable.
 */
export class TerminalLogger implements Logger {
  private readonly status = new Map<string, string>();
  private statusShown = false;
  private readonly redraws: boolean;

  constructor(private readonly options: TerminalLoggerOptions) {
    this.redraws = options.progress && options.stdout.isTTY === true;
  }

  /** Shows "<env>/<table>: starting" for each job until its first progress line. */
  start(jobs: readonly string[]): void {
    if (!this.redraws) return;
    for (const name of jobs) this.status.set(name, `${name}: starting`);
    this.drawStatus();
  }

  info(message: string): void {
    if (this.redraws) {
      const progress = PROGRESS_LINE.exec(message);
      if (progress !== null) {
        const [, job = '', pages, rows, rate] = progress;
        this.status.set(job, `${job}: ${pages} pages, ${rows} rows, ${rate} rows/s`);
        this.drawStatus();
        return;
      }
      const job = JOB_LINE.exec(message)?.[1];
      if (job !== undefined) this.status.delete(job);
    }
    if (this.options.showInfo) this.line(this.options.stdout, message);
  }

  warn(message: string): void {
    this.line(this.options.stderr, `warning: ${message}`);
  }

  error(message: string): void {
    const job = JOB_LINE.exec(message)?.[1];
    if (job !== undefined) this.status.delete(job);
    this.line(this.options.stderr, `error: ${message}`);
  }

  /** Removes the status line; call once the operation is over. */
  finish(): void {
    this.status.clear();
    this.clearStatus();
  }

  private line(stream: CliOutput, message: string): void {
    this.clearStatus();
    stream.write(`${message}\n`);
    this.drawStatus();
  }

  private clearStatus(): void {
    if (!this.statusShown) return;
    this.options.stdout.write(CLEAR_LINE);
    this.statusShown = false;
  }

  private drawStatus(): void {
    if (!this.redraws || this.status.size === 0) return;
    // columns is 0 on a pseudo-terminal that never announced its size.
    const columns = this.options.stdout.columns ?? 0;
    const width = columns > 0 ? Math.max(columns - 1, 20) : 79;
    const text = `syncing ${[...this.status.values()].join(' | ')}`;
    this.options.stdout.write(
      CLEAR_LINE + (text.length > width ? `${text.slice(0, width - 1)}…` : text),
    );
    this.statusShown = true;
  }
}
