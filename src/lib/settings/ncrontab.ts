import type { Checked } from './values';

interface FieldSpec {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly names?: readonly string[];
}

// NCRONTAB as the Functions timer trigger reads it: {second} {minute} {hour} {day} {month} {day-of-week}.
const FIELDS: readonly FieldSpec[] = [
  { name: 'second', min: 0, max: 59 },
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day', min: 1, max: 31 },
  {
    name: 'month',
    min: 1,
    max: 12,
    names: ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'],
  },
  { name: 'day-of-week', min: 0, max: 6, names: ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] },
];

function toNumber(token: string, spec: FieldSpec): number | undefined {
  if (/^\d{1,2}$/.test(token)) {
    const n = Number(token);
    return n >= spec.min && n <= spec.max ? n : undefined;
  }
  const index = spec.names?.indexOf(token.toLowerCase()) ?? -1;
  return index >= 0 ? index + spec.min : undefined;
}

function checkPart(part: string, spec: FieldSpec): boolean {
  const [range, step, ...extra] = part.split('/');
  if (range === undefined || extra.length > 0) return false;
  if (step !== undefined && !(/^\d{1,2}$/.test(step) && Number(step) > 0)) return false;
  if (range === '*') return true;
  const bounds = range.split('-');
  if (bounds.length > 2) return false;
  const numbers = bounds.map((b) => toNumber(b, spec));
  if (numbers.some((n) => n === undefined)) return false;
  const [from, to] = numbers as number[];
  return to === undefined || (from !== undefined && from <= to);
}

/**
 * Checks a 6-field NCRONTAB expression field by field (`*`, numbers, ranges, lists, steps,
 * month/day names). The TimeSpan form (`00:05:00`) is rejected: it only works on dedicated plans.
 */
export function checkNcrontab(value: string): Checked<string> {
  const fields = value.split(/\s+/);
  if (fields.length !== 6) {
    return {
      ok: false,
      problem: `must be a 6-field NCRONTAB expression {second} {minute} {hour} {day} {month} {day-of-week}, got ${String(fields.length)} field(s)`,
    };
  }
  for (const [index, field] of fields.entries()) {
    const spec = FIELDS[index];
    if (spec === undefined) continue;
    if (!field.split(',').every((part) => checkPart(part, spec))) {
      return {
        ok: false,
        problem: `has an invalid ${spec.name} field (allowed ${spec.min}-${spec.max})`,
      };
    }
  }
  return { ok: true, value: fields.join(' ') };
}
