/**
 * What to copy from a Dataverse table, read from the Web API metadata: its attributes, their
 * types and choice labels, the target columns every target shares, and the conversion of a
 * wire row into a target row.
 */
export { kindOf, NEVER_COPIED } from './attributeKinds';
export { labelFor } from './labels';
export { readTableDefinition, type ReadTableOptions, trackChangesFix } from './readTableDefinition';
export { copiedByDefault } from './selectAttributes';
export { targetColumns } from './targetColumns';
export { rowVersion, type TargetRow, toTargetRow, ValueMismatch } from './targetRow';
export type * from './types';
