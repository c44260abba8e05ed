import { lookupTargetKey } from './simTable';
import type { ColumnSpec } from './tableSchema';
import type { SimLabel, SimOption, SimRow, SimValue } from './tableTypes';

/**
 * The annotations `Prefer: odata.include-annotations` adds to a row: formatted values (labels,
 * numbers, dates in the organization's base language) and, for lookups, the target table and
 * navigation property. Values are formatted in UTC: the application user's time zone (README).
 */

export const FORMATTED_VALUE = 'OData.Community.Display.V1.FormattedValue';
export const LOOKUP_LOGICAL_NAME = 'Microsoft.Dynamics.CRM.lookuplogicalname';
export const NAVIGATION_PROPERTY = 'Microsoft.Dynamics.CRM.associatednavigationproperty';

export interface Annotator {
  /** Which annotation terms the request asked for. */
  readonly includes: (term: string) => boolean;
  readonly language: number;
  /** The primary name of a row of a simulated table, for formatted lookups. */
  readonly nameOf: (logicalName: string, id: string) => string | undefined;
}

const LOCALES: Readonly<Record<number, string>> = {
  1031: 'de-DE',
  1033: 'en-US',
  1036: 'fr-FR',
  1040: 'it-IT',
  1043: 'nl-NL',
  3082: 'es-ES',
};

function localeOf(language: number): string {
  return LOCALES[language] ?? 'en-US';
}

/** The text of a label in `language`, else English, else its first language. */
export function labelText(label: SimLabel, language: number): string | undefined {
  const labels = label.LocalizedLabels;
  return (
    labels.find((item) => item.LanguageCode === language)?.Label ??
    labels.find((item) => item.LanguageCode === 1033)?.Label ??
    labels[0]?.Label
  );
}

/** The target table of a lookup value: stored with multi-target lookups, else the only target. */
export function lookupTarget(column: ColumnSpec, row: SimRow): string | undefined {
  const stored = row[lookupTargetKey(column.wireName)];
  return typeof stored === 'string' ? stored : column.lookup?.targets[0];
}

/** The navigation property a lookup value came through (`parentcustomerid_account`). */
function navigationOf(column: ColumnSpec, target: string | undefined): string {
  const attribute = column.attribute;
  const base = attribute.IsCustomAttribute ? attribute.SchemaName : attribute.LogicalName;
  return attribute.AttributeTypeName.Value === 'CustomerType' ? `${base}_${target ?? ''}` : base;
}

/** Writes the annotations of one non-null column value into `target` (before the value). */
export function annotate(
  target: Record<string, unknown>,
  column: ColumnSpec,
  row: SimRow,
  value: SimValue,
  annotator: Annotator,
): void {
  if (value === null) return;
  const name = column.wireName;
  if (column.kind === 'lookup') {
    const table = lookupTarget(column, row);
    const display = table === undefined ? undefined : annotator.nameOf(table, String(value));
    if (display !== undefined && annotator.includes(FORMATTED_VALUE))
      target[`${name}@${FORMATTED_VALUE}`] = display;
    if (annotator.includes(NAVIGATION_PROPERTY))
      target[`${name}@${NAVIGATION_PROPERTY}`] = navigationOf(column, table);
    if (table !== undefined && annotator.includes(LOOKUP_LOGICAL_NAME))
      target[`${name}@${LOOKUP_LOGICAL_NAME}`] = table;
    return;
  }
  if (!annotator.includes(FORMATTED_VALUE)) return;
  const formatted = formatValue(column, value, annotator.language);
  if (formatted !== undefined) target[`${name}@${FORMATTED_VALUE}`] = formatted;
}

function optionsOf(column: ColumnSpec): readonly SimOption[] {
  const set = column.attribute.OptionSet ?? column.attribute.GlobalOptionSet;
  if (set === null || set === undefined) return [];
  return 'TrueOption' in set ? [set.TrueOption, set.FalseOption] : set.Options;
}

function optionLabel(column: ColumnSpec, value: number, language: number): string | undefined {
  const found = optionsOf(column).find((item) => item.Value === value);
  return found === undefined ? undefined : labelText(found.Label, language);
}

function formatValue(column: ColumnSpec, value: SimValue, language: number): string | undefined {
  const locale = localeOf(language);
  const precision = column.attribute.Precision ?? 2;
  switch (column.kind) {
    case 'choice':
      return optionLabel(column, Number(value), language);
    case 'boolean':
      return optionLabel(column, value === true ? 1 : 0, language);
    case 'choices':
      return String(value)
        .split(',')
        .map((item) => optionLabel(column, Number(item), language) ?? item.trim())
        .join('; ');
    case 'money':
      return new Intl.NumberFormat(locale, { style: 'currency', currency: 'USD' }).format(
        Number(value),
      );
    case 'int':
    case 'bigint':
      return new Intl.NumberFormat(locale, { maximumFractionDigits: 0 }).format(Number(value));
    case 'decimal':
    case 'double':
      return new Intl.NumberFormat(locale, {
        minimumFractionDigits: precision,
        maximumFractionDigits: precision,
      }).format(Number(value));
    case 'datetime':
      return formatDate(locale, String(value), true);
    case 'date':
      return formatDate(locale, `${String(value)}T00:00:00Z`, false);
    default:
      return undefined;
  }
}

function formatDate(locale: string, iso: string, withTime: boolean): string {
  const twoDigits = locale !== 'en-US';
  const format = new Intl.DateTimeFormat(locale, {
    timeZone: 'UTC',
    year: 'numeric',
    month: twoDigits ? '2-digit' : 'numeric',
    day: twoDigits ? '2-digit' : 'numeric',
    ...(withTime ? { hour: 'numeric', minute: '2-digit' } : {}),
  });
  // Dataverse writes "3/14/2024 9:05 AM", without Intl's comma between date and time.
  return format.format(new Date(iso)).replace(', ', ' ');
}
