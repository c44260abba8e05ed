import type { DataverseClient } from '../../../src/lib/dataverse';
import { DataverseError } from '../../../src/lib/dataverse';

/**
 * A DataverseClient whose getJson answers metadata paths with the bodies the Web API documents
 * (shared/reference/dataverse-metadata-and-security.md §1), recording each path. The seam is
 * the HTTP exchange; what the schema module makes of the answers is under test.
 */
export function metadataClient(
  answers: Record<string, unknown>,
): DataverseClient & { paths: string[] } {
  const paths: string[] = [];
  const unsupported = (): never => {
    throw new TypeError('not used by the schema module');
  };
  return {
    paths,
    environment: {
      name: 'contoso',
      url: 'https://contoso.crm.dynamics.com',
      tenantId: 't',
      tables: [{ logicalName: 'account' }],
    },
    getJson: <T>(path: string): Promise<T> => {
      paths.push(path);
      const key = Object.keys(answers).find((prefix) => path.startsWith(prefix));
      if (key === undefined) {
        return Promise.reject(
          new DataverseError(`GET ${path} failed with HTTP 404`, {
            step: 'GET',
            environment: 'contoso',
            status: 404,
            code: '0x80060888',
          }),
        );
      }
      return Promise.resolve(answers[key] as T);
    },
    whoAmI: unsupported,
    queryPages: unsupported,
    queryRows: unsupported,
    changePages: unsupported,
    stats: () => ({
      requests: 0,
      throttledResponses: 0,
      throttledWaitInMs: 0,
      retries: 0,
      lastThrottledAt: undefined,
    }),
  };
}

const label = (text: string, german?: string) => ({
  LocalizedLabels: [
    { Label: text, LanguageCode: 1033 },
    ...(german === undefined ? [] : [{ Label: german, LanguageCode: 1031 }]),
  ],
  UserLocalizedLabel: { Label: text, LanguageCode: 1033 },
});

const attribute = (name: string, type: string, extra: Record<string, unknown> = {}) => ({
  LogicalName: name,
  AttributeType: type.replace(/Type$/, ''),
  AttributeTypeName: { Value: type },
  IsValidForRead: true,
  AttributeOf: null,
  IsLogical: false,
  ...extra,
});

const ROOT = "EntityDefinitions(LogicalName='new_project')";

/** The custom table of the any-table issue, as its metadata answers look. */
export const projectMetadata: Record<string, unknown> = {
  [`${ROOT}?`]: {
    LogicalName: 'new_project',
    EntitySetName: 'new_projects',
    PrimaryIdAttribute: 'new_projectid',
    ChangeTrackingEnabled: true,
    ObjectTypeCode: 10042,
    MetadataId: '11111111-1111-1111-1111-111111111111',
  },
  [`${ROOT}/Attributes?`]: {
    value: [
      attribute('new_projectid', 'UniqueidentifierType'),
      attribute('new_name', 'StringType'),
      attribute('new_budget', 'MoneyType'),
      attribute('new_budget_base', 'MoneyType', { AttributeOf: 'new_budget' }),
      attribute('new_startdate', 'DateTimeType'),
      attribute('new_phase', 'PicklistType'),
      attribute('new_phasename', 'VirtualType', { AttributeOf: 'new_phase' }),
      attribute('new_tags', 'MultiSelectPicklistType', { AttributeType: 'Virtual' }),
      attribute('new_accountid', 'LookupType'),
      attribute('new_accountidname', 'StringType', { AttributeOf: 'new_accountid' }),
      attribute('new_bigcount', 'BigIntType'),
      attribute('new_active', 'BooleanType'),
      attribute('new_logo', 'ImageType', { AttributeType: 'Virtual' }),
      attribute('statecode', 'StateType'),
      attribute('versionnumber', 'BigIntType'),
      attribute('new_secret', 'StringType', { IsValidForRead: false }),
    ],
  },
  [`${ROOT}/Attributes/Microsoft.Dynamics.CRM.PicklistAttributeMetadata`]: {
    value: [
      {
        LogicalName: 'new_phase',
        OptionSet: {
          Options: [
            { Value: 1, Label: label('Planning', 'Planung') },
            { Value: 2, Label: label('Delivery', 'Lieferung') },
          ],
        },
        GlobalOptionSet: null,
      },
    ],
  },
  [`${ROOT}/Attributes/Microsoft.Dynamics.CRM.MultiSelectPicklistAttributeMetadata`]: {
    value: [
      {
        LogicalName: 'new_tags',
        OptionSet: null,
        GlobalOptionSet: {
          Options: [
            { Value: 1, Label: label('Red', 'Rot') },
            { Value: 3, Label: label('Blue', 'Blau') },
          ],
        },
      },
    ],
  },
  [`${ROOT}/Attributes/Microsoft.Dynamics.CRM.StateAttributeMetadata`]: {
    value: [
      {
        LogicalName: 'statecode',
        OptionSet: {
          Options: [
            { Value: 0, Label: label('Active', 'Aktiv'), DefaultStatus: 1 },
            { Value: 1, Label: label('Inactive', 'Inaktiv'), DefaultStatus: 2 },
          ],
        },
        GlobalOptionSet: null,
      },
    ],
  },
  [`${ROOT}/Attributes/Microsoft.Dynamics.CRM.LookupAttributeMetadata`]: {
    value: [{ LogicalName: 'new_accountid', Targets: ['account'] }],
  },
  [`${ROOT}/Attributes/Microsoft.Dynamics.CRM.MoneyAttributeMetadata`]: {
    value: [
      { LogicalName: 'new_budget', Precision: 2 },
      { LogicalName: 'new_budget_base', Precision: 2 },
    ],
  },
  [`${ROOT}/Attributes/Microsoft.Dynamics.CRM.DateTimeAttributeMetadata`]: {
    value: [
      { LogicalName: 'new_startdate', Format: 'DateOnly', DateTimeBehavior: { Value: 'DateOnly' } },
    ],
  },
  'organizations?': { value: [{ languagecode: 1033 }] },
};
