import { describeError, isIntegrationError } from '../../lib/errors';
import type { CliOutput } from '../io';

export type StepStatus = 'PASS' | 'FAIL' | 'WARN' | 'SKIP';

/** What a step found. A FAIL carries the operator's fix; a WARN may (it works, but not for long). */
export type StepOutcome =
  | { readonly status: 'PASS'; readonly detail: string }
  | { readonly status: 'WARN'; readonly detail: string; readonly fix?: string }
  | { readonly status: 'FAIL'; readonly detail: string; readonly fix: string | undefined };

const INDENT = '     ';

/** A failure as doctor prints it: what happened (code, status, request id) and, apart, the fix. */
export function failureOutcome(step: string, error: unknown): StepOutcome {
  if (!isIntegrationError(error)) {
    return { status: 'FAIL', detail: describeError(error), fix: undefined };
  }
  const where = [error.environment, error.step].filter(Boolean).join(' / ');
  const origin = where === step ? '' : `(${where}) `;
  const code = error.code === undefined ? '' : ` [${error.code}]`;
  const status = error.status === undefined ? '' : ` (HTTP ${error.status})`;
  const request = error.requestId === undefined ? '' : ` (service request id ${error.requestId})`;
  const [first = '', ...rest] = error.message.split('\n');
  const detail = [`${origin}${first}${code}${status}${request}`, ...rest].join('\n');
  return { status: 'FAIL', detail, fix: error.hint };
}

/**
 * Prints one line per step, `PASS|FAIL|WARN|SKIP <step>: <detail>`, with a `fix:` line under
 * each failure (and each warning that has one), and counts outcomes for the exit code and the closing line.
 */
export class DoctorReport {
  private readonly counts: Record<StepStatus, number> = { PASS: 0, FAIL: 0, WARN: 0, SKIP: 0 };

  constructor(private readonly out: CliOutput) {}

  get anyFailed(): boolean {
    return this.counts.FAIL > 0;
  }

  record(step: string, outcome: StepOutcome): void {
    this.print(outcome.status, step, outcome.detail);
    if (outcome.status !== 'PASS' && outcome.fix !== undefined) {
      this.out.write(`${INDENT}fix: ${outcome.fix}\n`);
    }
  }

  skip(step: string, reason: string): void {
    this.print('SKIP', step, reason);
  }

  /** Runs a step, records PASS/WARN/FAIL (a throw is a FAIL with the error's hint); true unless FAIL. */
  async run(step: string, check: () => Promise<StepOutcome>): Promise<boolean> {
    let outcome: StepOutcome;
    try {
      outcome = await check();
    } catch (error) {
      outcome = failureOutcome(step, error);
    }
    this.record(step, outcome);
    return outcome.status !== 'FAIL';
  }

  /** The closing line. */
  summary(): string {
    const { PASS, FAIL, WARN, SKIP } = this.counts;
    const counts = `${PASS} passed, ${WARN} warned, ${FAIL} failed, ${SKIP} skipped`;
    return this.anyFailed
      ? `doctor: ${counts}. Fix the first FAIL above and run doctor again.`
      : `doctor: ${counts}. Ready.`;
  }

  private print(status: StepStatus, step: string, detail: string): void {
    this.counts[status] += 1;
    this.out.write(`${status} ${step}: ${detail.split('\n').join(`\n${INDENT}`)}\n`);
  }
}
