import type { SimAttributeDefinition, SimOptionSet, SimTableDefinition } from '../tableTypes';
import {
  bigInt,
  choice,
  english,
  lookup,
  memo,
  money,
  option,
  primaryKey,
  text,
} from './attributeBuilders';
import { stateAndStatus, systemColumns } from './systemAttributes';

/**
 * The `account` table: the columns the seeded generator fills (accountGenerator.ts) plus the
 * real virtual and shadow columns a metadata-driven client must learn to skip: lookup names
 * (AttributeOf, IsLogical), choice names (Virtual), `revenue_base` (AttributeOf revenue), the image
 * and its companions. Attribute order is the column order of a row without `$select`.
 */

const INDUSTRIES = [
  'Accounting',
  'Agriculture and Non-petrol Natural Resource Extraction',
  'Broadcasting Printing and Publishing',
  'Brokers',
  'Building Supply Retail',
  'Business Services',
  'Consulting',
  'Consumer Services',
  'Design, Direction and Creative Management',
  'Distributors, Dispatchers and Processors',
  "Doctor's Offices and Clinics",
  'Durable Manufacturing',
  'Eating and Drinking Places',
  'Entertainment Retail',
  'Equipment Rental and Leasing',
  'Financial',
  'Food and Tobacco Processing',
  'Inbound Capital Intensive Processing',
  'Inbound Repair and Services',
  'Insurance',
  'Legal Services',
  'Non-Durable Merchandise Retail',
  'Outbound Consumer Service',
  'Petrochemical Extraction and Distribution',
  'Service Retail',
  'SIG Affiliations',
  'Social Services',
  'Special Outbound Trade Contractors',
  'Specialty Realty',
  'Transportation',
  'Utility Creation and Distribution',
  'Vehicle Retail',
  'Wholesale',
];

/** A global choice, English only (so a German base language shows the label fallback). */
const INDUSTRY_CODES: SimOptionSet = {
  Name: 'account_industrycode',
  IsGlobal: true,
  Options: INDUSTRIES.map((name, index) => option(index + 1, { 1033: name })),
};

/** entityimage (ImageType, reported as Virtual) and the columns the platform keeps with it. */
function image(): SimAttributeDefinition[] {
  const readOnly = { IsValidForCreate: false, IsValidForUpdate: false } as const;
  return [
    {
      LogicalName: 'entityimage',
      AttributeType: 'Virtual',
      AttributeTypeName: { Value: 'ImageType' },
      DisplayName: english('Default Image'),
    },
    text('entityimage_url', 200, { AttributeOf: 'entityimage', ...readOnly }),
    bigInt('entityimage_timestamp', { AttributeOf: 'entityimage', ...readOnly }),
    {
      LogicalName: 'entityimageid',
      AttributeType: 'Uniqueidentifier',
      AttributeTypeName: { Value: 'UniqueidentifierType' },
      ...readOnly,
    },
  ];
}

export function accountDefinition(): SimTableDefinition {
  const [createdOn, modifiedOn, ...ownerAndVersion] = systemColumns();
  const versionNumber = ownerAndVersion.pop();
  if (createdOn === undefined || modifiedOn === undefined || versionNumber === undefined)
    throw new Error('systemColumns() changed shape');
  return {
    LogicalName: 'account',
    EntitySetName: 'accounts',
    PrimaryIdAttribute: 'accountid',
    PrimaryNameAttribute: 'name',
    ObjectTypeCode: 1,
    ChangeTrackingEnabled: true,
    MetadataId: '70816501-edb9-4740-a16c-6a5efbc05d84',
    OwnershipType: 'UserOwned',
    DisplayName: english('Account'),
    DisplayCollectionName: english('Accounts'),
    Attributes: [
      primaryKey('accountid'),
      text('name', 160, { RequiredLevel: 'ApplicationRequired' }),
      text('accountnumber', 20),
      text('telephone1', 50, { Format: 'Phone' }),
      text('emailaddress1', 100, { Format: 'Email' }),
      text('websiteurl', 200, { Format: 'Url' }),
      text('address1_line1', 250),
      text('address1_city', 80),
      text('address1_postalcode', 20),
      text('address1_country', 80),
      ...money('revenue', 4),
      {
        LogicalName: 'numberofemployees',
        AttributeType: 'Integer',
        AttributeTypeName: { Value: 'IntegerType' },
        MinValue: 0,
        MaxValue: 1_000_000_000,
        Format: 'None',
      },
      ...choice('industrycode', INDUSTRY_CODES),
      memo('description', 2000),
      ...stateAndStatus('account'),
      createdOn,
      modifiedOn,
      versionNumber,
      ...lookup('primarycontactid', 'Lookup', ['contact']),
      ...ownerAndVersion,
      ...lookup('transactioncurrencyid', 'Lookup', ['transactioncurrency'], {
        IsValidForCreate: false,
        IsValidForUpdate: false,
      }),
      ...image(),
    ],
  };
}
