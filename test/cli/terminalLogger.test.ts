import { describe, expect, it } from 'vitest';

import { TerminalLogger } from '../../src/cli/terminalLogger';
import { jobKey, RunCounters, summaryLine, type SyncJob } from '../../src/lib/sync';
import { CapturedOutput } from './cliHarness';

const NO_STATS = {
  requests: 0,
  throttledResponses: 0,
  throttledWaitInMs: 0,
  retries: 0,
  lastThrottledAt: undefined,
};
const PAGE = { created: 5000, updated: 0, deleted: 0, skipped: 0 };
const CONTOSO_ACCOUNT: SyncJob = { environment: 'contoso', table: 'account' };

/** The engine's own progress and summary lines for a job (environment/table) that synced 3 pages. */
function engineLines(job: SyncJob): { progress: string[]; summary: string } {
  const counters = new RunCounters(0, NO_STATS);
  counters.roundKind = 'full';
  counters.generation = 1;
  const progress: string[] = [];
  for (let page = 1; page <= 3; page += 1) {
    counters.addPage(5000, PAGE);
    const line = counters.progressLine(jobKey(job), page * 1000, 1, 0);
    if (line !== undefined) progress.push(line);
  }
  return { progress, summary: summaryLine(counters.result(job, 'synced', 3000, NO_STATS)) };
}

function logger(
  tty: boolean,
  columns = 80,
): {
  log: TerminalLogger;
  stdout: CapturedOutput;
  stderr: CapturedOutput;
} {
  const stdout = new CapturedOutput(tty, columns);
  const stderr = new CapturedOutput(tty, columns);
  return {
    log: new TerminalLogger({ stdout, stderr, showInfo: true, progress: true }),
    stdout,
    stderr,
  };
}

describe('TerminalLogger', () => {
  it('on a terminal, redraws the engine progress as one line: job, pages, rows, rows/s', () => {
    const { progress, summary } = engineLines(CONTOSO_ACCOUNT);
    const { log, stdout } = logger(true);

    log.start(['contoso/account']);
    for (const line of progress) log.info(line);
    log.info(summary);
    log.finish();

    expect(progress).toHaveLength(3);
    expect(stdout.text.split('\n')).toEqual([
      '\r\x1b[2Ksyncing contoso/account: starting' +
        '\r\x1b[2Ksyncing contoso/account: 1 pages, 5000 rows, 5000 rows/s' +
        '\r\x1b[2Ksyncing contoso/account: 2 pages, 10000 rows, 5000 rows/s' +
        '\r\x1b[2Ksyncing contoso/account: 3 pages, 15000 rows, 5000 rows/s' +
        `\r\x1b[2K${summary}`,
      '',
    ]);
  });

  it('keeps several jobs on the status line, two tables of one environment apart, and prints warnings above it on stderr', () => {
    const { log, stdout, stderr } = logger(true, 200);
    const account = engineLines(CONTOSO_ACCOUNT).progress[0]!;
    const contact = engineLines({ environment: 'contoso', table: 'contact' }).progress[2]!;
    const fabrikam = engineLines({ environment: 'fabrikam', table: 'account' }).progress[1]!;

    log.start(['contoso/account', 'contoso/contact', 'fabrikam/account']);
    log.info(account);
    log.info(contact);
    log.info(fabrikam);
    log.warn('sync fabrikam/account: throttled, waiting 2 s');

    expect(
      stdout.text.endsWith(
        '\r\x1b[2Ksyncing contoso/account: 1 pages, 5000 rows, 5000 rows/s | contoso/contact: 3 pages, 15000 rows, 5000 rows/s | fabrikam/account: 2 pages, 10000 rows, 5000 rows/s',
      ),
    ).toBe(true);
    expect(stderr.text).toBe('warning: sync fabrikam/account: throttled, waiting 2 s\n');
  });

  it("ends only the finished job's status when its summary line arrives", () => {
    const { log, stdout } = logger(true, 200);
    const account = engineLines(CONTOSO_ACCOUNT);
    const contact = engineLines({ environment: 'contoso', table: 'contact' });

    log.start(['contoso/account', 'contoso/contact']);
    log.info(account.progress[0]!);
    log.info(contact.progress[0]!);
    log.info(account.summary);

    expect(stdout.text).toContain(`${account.summary}\n`);
    expect(
      stdout.text.endsWith('\r\x1b[2Ksyncing contoso/contact: 1 pages, 5000 rows, 5000 rows/s'),
    ).toBe(true);
  });

  it('cuts the status line to the terminal width so it never wraps', () => {
    const { log, stdout } = logger(true, 60);
    log.start(['contoso-production-emea/account', 'fabrikam-production-americas/account']);

    const drawn = stdout.text.split('\r\x1b[2K').pop() ?? '';
    expect(drawn.length).toBe(59);
    expect(drawn).toMatch(/^syncing contoso-production-emea\/account: starting \| fabr.*…$/);
  });

  it('off a terminal, prints every engine line as a plain line with no control characters', () => {
    const { progress, summary } = engineLines(CONTOSO_ACCOUNT);
    const { log, stdout } = logger(false);

    log.start(['contoso/account']);
    for (const line of progress) log.info(line);
    log.info(summary);
    log.finish();

    expect(stdout.text).toBe([...progress, summary].map((line) => `${line}\n`).join(''));
    expect(stdout.text).not.toContain('\r');
    expect(stdout.text).not.toContain('\x1b');
  });
});
