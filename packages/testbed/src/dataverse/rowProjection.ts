import { annotate, type Annotator } from './formattedValues';
import type { ColumnSpec, TableSchema } from './tableSchema';
import type { SimRow } from './tableTypes';

/** The columns and annotations of a response, resolved once per request (not per row). */
export interface Projection {
  readonly columns: readonly ColumnSpec[];
  readonly primaryId: string;
  readonly annotator: Annotator | undefined;
}

/** Without `$select`: every readable column except image bytes (README). */
export function projectionFor(
  schema: TableSchema,
  select: readonly string[] | undefined,
  annotator: Annotator | undefined,
): Projection {
  const columns: ColumnSpec[] = [];
  for (const name of select ?? schema.defaultColumns()) {
    const column = schema.column(name);
    if (column !== undefined) columns.push(column);
  }
  return { columns, primaryId: schema.primaryId, annotator };
}

/**
 * A row as Dataverse returns it: `@odata.etag` first, then the selected columns (each after
 * its annotations, when asked for), and the primary key always. Columns that are not valid for
 * read come back null.
 */
export function projectRow(row: SimRow, projection: Projection): Record<string, unknown> {
  const projected: Record<string, unknown> = { '@odata.etag': etagOf(row) };
  const annotator = projection.annotator;
  for (const column of projection.columns) {
    const value = column.attribute.IsValidForRead ? (row[column.wireName] ?? null) : null;
    if (annotator !== undefined) annotate(projected, column, row, value, annotator);
    projected[column.wireName] = value;
  }
  projected[projection.primaryId] = row[projection.primaryId] ?? null;
  return projected;
}

export function etagOf(row: SimRow): string {
  return `W/"${String(row.versionnumber ?? 0)}"`;
}

/** `@odata.context` of a collection (`suffix` e.g. `/$delta` or `/$entity`). */
export function contextUrl(
  serviceRoot: string,
  entitySet: string,
  select: readonly string[] | undefined,
  suffix = '',
): string {
  const columns = select === undefined ? '' : `(${select.join(',')})`;
  return `${serviceRoot}$metadata#${entitySet}${columns}${suffix}`;
}
