import type { SimAttributeDefinition, SimOptionSet } from '../tableTypes';
import { bigInt, dateTime, lookup, option, virtualName } from './attributeBuilders';

/** The columns every simulated table has: state and status, timestamps, owner, row version. */

/** statecode (State) and statuscode (Status) with their virtual `name` shadows. */
export function stateAndStatus(entity: string): SimAttributeDefinition[] {
  const states: SimOptionSet = {
    Name: `${entity}_statecode`,
    Options: [
      {
        ...option(0, { 1033: 'Active', 1031: 'Aktiv' }),
        DefaultStatus: 1,
        InvariantName: 'Active',
      },
      {
        ...option(1, { 1033: 'Inactive', 1031: 'Inaktiv' }),
        DefaultStatus: 2,
        InvariantName: 'Inactive',
      },
    ],
  };
  const statuses: SimOptionSet = {
    Name: `${entity}_statuscode`,
    Options: [
      { ...option(1, { 1033: 'Active', 1031: 'Aktiv' }), State: 0 },
      { ...option(2, { 1033: 'Inactive', 1031: 'Inaktiv' }), State: 1 },
    ],
  };
  return [
    {
      LogicalName: 'statecode',
      AttributeType: 'State',
      AttributeTypeName: { Value: 'StateType' },
      OptionSet: states,
      GlobalOptionSet: null,
      RequiredLevel: 'SystemRequired',
      IsValidForCreate: false,
    },
    virtualName('statecode'),
    {
      LogicalName: 'statuscode',
      AttributeType: 'Status',
      AttributeTypeName: { Value: 'StatusType' },
      OptionSet: statuses,
      GlobalOptionSet: null,
    },
    virtualName('statuscode'),
  ];
}

/** createdon, modifiedon (UserLocal, platform-maintained), ownerid and versionnumber. */
export function systemColumns(): SimAttributeDefinition[] {
  const readOnly = { IsValidForCreate: false, IsValidForUpdate: false } as const;
  return [
    dateTime('createdon', 'UserLocal', readOnly),
    dateTime('modifiedon', 'UserLocal', readOnly),
    ...lookup('ownerid', 'Owner', ['systemuser', 'team'], readOnly),
    bigInt('versionnumber', readOnly),
  ];
}
