import type { TableRows } from '../simTable';
import type { SimOptionSet, SimRow, SimTableDefinition, SimValue } from '../tableTypes';
import {
  bigInt,
  boolean,
  choice,
  choices,
  dateTime,
  decimal,
  double,
  integer,
  label,
  lookup,
  money,
  option,
  primaryKey,
  text,
} from './attributeBuilders';
import {
  BASE_CURRENCY_ID,
  baseRowId,
  mix,
  pick,
  positionOfBaseRowId,
  seededOwnerId,
  tableIdSeed,
  toDataverseDate,
  toDataverseDateTime,
} from './seededValues';
import { stateAndStatus, systemColumns } from './systemAttributes';

/**
 * The custom table `new_project`: one column of every type a metadata-driven sync must map,
 * choice labels in English and German, and change tracking off (as a new custom table has it).
 */

const PHASES: SimOptionSet = {
  Name: 'new_project_new_phase',
  Options: [
    option(100_000_000, { 1033: 'Planning', 1031: 'Planung' }),
    option(100_000_001, { 1033: 'Execution', 1031: 'Ausführung' }),
    option(100_000_002, { 1033: 'Closing', 1031: 'Abschluss' }),
  ],
};

const TAGS: SimOptionSet = {
  Name: 'new_project_new_tags',
  Options: [
    option(1, { 1033: 'Internal', 1031: 'Intern' }),
    option(2, { 1033: 'Customer', 1031: 'Kunde' }),
    option(3, { 1033: 'Urgent', 1031: 'Dringend' }),
    option(4, { 1033: 'Research', 1031: 'Forschung' }),
  ],
};

export function newProjectDefinition(changeTracking: boolean): SimTableDefinition {
  return {
    LogicalName: 'new_project',
    SchemaName: 'new_Project',
    EntitySetName: 'new_projects',
    PrimaryIdAttribute: 'new_projectid',
    PrimaryNameAttribute: 'new_name',
    ObjectTypeCode: 10_245,
    ChangeTrackingEnabled: changeTracking,
    OwnershipType: 'UserOwned',
    DisplayName: label({ 1033: 'Project', 1031: 'Projekt' }),
    DisplayCollectionName: label({ 1033: 'Projects', 1031: 'Projekte' }),
    Attributes: [
      primaryKey('new_projectid'),
      text('new_name', 100, { SchemaName: 'new_Name', RequiredLevel: 'ApplicationRequired' }),
      ...money('new_budget', 2),
      dateTime('new_startdate', 'DateOnly', { SchemaName: 'new_StartDate' }),
      ...choice('new_phase', PHASES),
      ...choices('new_tags', TAGS),
      integer('new_priority', 1, 5),
      double('new_score', 2),
      decimal('new_rate', 4),
      ...boolean('new_active', {
        Name: 'new_project_new_active',
        TrueOption: option(1, { 1033: 'Yes', 1031: 'Ja' }),
        FalseOption: option(0, { 1033: 'No', 1031: 'Nein' }),
      }),
      bigInt('new_bigcount', { SchemaName: 'new_BigCount' }),
      ...lookup('new_accountid', 'Lookup', ['account'], { SchemaName: 'new_AccountId' }),
      ...lookup('transactioncurrencyid', 'Lookup', ['transactioncurrency'], {
        IsValidForCreate: false,
        IsValidForUpdate: false,
      }),
      ...stateAndStatus('new_project'),
      ...systemColumns(),
    ],
  };
}

const WORDS = ['Apollo', 'Borealis', 'Cascade', 'Delta', 'Ember', 'Fjord', 'Granite', 'Harbor'];
const PROJECT_SALT = 3;
const BASE_CREATED_ON_MS = Date.UTC(2022, 0, 1);
/** Above 2^32 so a client cannot get away with 32-bit integers, below 2^53 so JSON keeps it. */
const BIG_COUNT_BASE = 5_000_000_000;

/** The seeded accounts a project may point to, read when a row is generated. */
export interface ProjectLinks {
  accounts(): { seed: number; count: number };
}

export function generateBaseProject(seed: number, position: number, links: ProjectLinks): SimRow {
  const idSeed = tableIdSeed(seed, PROJECT_SALT);
  const h1 = mix(idSeed, position, 1);
  const h2 = mix(idSeed, position, 2);
  const h3 = mix(idSeed, position, 3);
  const createdOnMs = BASE_CREATED_ON_MS + (h2 % (365 * 24 * 60)) * 60_000;
  const budget = h1 % 5 === 0 ? null : (h1 % 10_000_000) / 100;
  const tags = [1, 2, 3, 4].filter((value) => ((h3 >>> (value + 3)) & 1) === 1);
  const accounts = links.accounts();
  const inactive = h3 % 30 === 0;
  const row: Record<string, SimValue> = {
    new_projectid: baseRowId(idSeed, position),
    new_name: `${pick(WORDS, h1 >>> 3)} ${position + 1}`,
    new_budget: budget,
    new_budget_base: budget,
    new_startdate: toDataverseDate(createdOnMs + (h2 % 120) * 86_400_000),
    new_phase: 100_000_000 + (h2 % 3),
    new_tags: tags.length === 0 ? null : tags.join(','),
    new_priority: (h3 % 5) + 1,
    new_score: (h2 % 10_000) / 100,
    new_rate: (h1 % 1_000_000) / 10_000,
    new_active: (h3 & 1) === 1,
    new_bigcount: BIG_COUNT_BASE + (h1 % 1_000_000) * 1000 + position,
    _new_accountid_value:
      accounts.count > 0 && h2 % 4 !== 0 ? baseRowId(accounts.seed, h3 % accounts.count) : null,
    _transactioncurrencyid_value: budget === null ? null : BASE_CURRENCY_ID,
    statecode: inactive ? 1 : 0,
    statuscode: inactive ? 2 : 1,
    createdon: toDataverseDateTime(createdOnMs),
    modifiedon: toDataverseDateTime(createdOnMs + (h3 % (30 * 24 * 60)) * 60_000),
    _ownerid_value: seededOwnerId(seed),
    versionnumber: position + 1,
  };
  return row;
}

export function newProjectRows(links: ProjectLinks): TableRows {
  return {
    generate: (seed, position) => generateBaseProject(seed, position, links),
    positionOfBaseId: (seed, baseCount, id) =>
      positionOfBaseRowId(tableIdSeed(seed, PROJECT_SALT), baseCount, id),
  };
}
