// Every app setting the code reads must be documented (README), shown to developers
// (local.settings.sample.json) and set by the infrastructure (infra/), and the identity must hold
// every role the code needs. Names come from the settings module itself, so a new setting
// cannot be added in one place only.
import { existsSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { SETTING_NAMES } from '../../src/lib/settings';
import {
  blankCommentsAndStrings,
  readRepoFile,
  repoRoot,
  resourceBody,
  resourceDeclarations,
  topLevelKeys,
} from './bicep';

/** Local-development credential sources: must never be app settings in Azure. */
const LOCAL_ONLY = [
  'DATAVERSE_CLIENT_SECRET',
  'DATAVERSE_CLIENT_CERTIFICATE_PATH',
  // Holds a password; in Azure the app signs in to PostgreSQL with its managed identity.
  'POSTGRES_CONNECTION_STRING',
];

const functionApp = readRepoFile('infra/app/function-app.bicep');

function infraAppSettingNames(): string[] {
  const { code } = blankCommentsAndStrings(functionApp);
  const body = resourceBody(functionApp, 'appSettings');
  const start = functionApp.indexOf(body);
  const propertiesAt = start + body.search(/\bproperties\s*:\s*\{/);
  return topLevelKeys(code, code.indexOf('{', propertiesAt));
}

describe('settings parity', () => {
  it('the settings module names the settings of design.md', () => {
    expect(SETTING_NAMES).toEqual(
      expect.arrayContaining(['DATAVERSE_URL', 'KEY_VAULT_URL', 'SYNC_SCHEDULE']),
    );
  });

  it('local.settings.sample.json lists every setting, with no secret value', () => {
    const sample = JSON.parse(readRepoFile('local.settings.sample.json')) as {
      IsEncrypted: boolean;
      Values: Record<string, string>;
    };
    expect(sample.IsEncrypted).toBe(false);
    expect(sample.Values.AzureWebJobsStorage).toBe('UseDevelopmentStorage=true');
    expect(sample.Values.FUNCTIONS_WORKER_RUNTIME).toBe('node');
    expect(SETTING_NAMES.filter((name) => !(name in sample.Values))).toEqual([]);
    expect(sample.Values.DATAVERSE_CLIENT_SECRET).toBe('');
    for (const [name, value] of Object.entries(sample.Values)) {
      expect(typeof value, name).toBe('string');
      expect(value, name).not.toMatch(
        /AccountKey=|BEGIN [A-Z ]*PRIVATE KEY|SharedAccessSignature|[?&]sig=|[?&]code=/,
      );
    }
    // The host resolves %SYNC_SCHEDULE% itself: it must have a value, 6 NCRONTAB fields.
    expect(sample.Values.SYNC_SCHEDULE?.split(' ')).toHaveLength(6);
  });

  it('infra/ sets every setting as an app setting, except the local-only credential sources', () => {
    const names = infraAppSettingNames();
    const expected = SETTING_NAMES.filter((name) => !LOCAL_ONLY.includes(name));
    expect(expected.filter((name) => !names.includes(name))).toEqual([]);
    expect(names.filter((name) => LOCAL_ONLY.includes(name))).toEqual([]);
  });

  it('infra/ explains in a comment why the local-only credential sources are absent', () => {
    const comment = functionApp
      .split('\n')
      .filter((line) => line.trim().startsWith('//'))
      .join(' ');
    for (const name of LOCAL_ONLY) expect(comment).toContain(name);
    expect(comment).toMatch(/local[- ]development/i);
  });

  it('infra/ always gives SYNC_SCHEDULE a value (the host cannot index the timer without it)', () => {
    expect(functionApp).toMatch(/^\s*SYNC_SCHEDULE:\s*syncSchedule$/m);
    expect(readRepoFile('infra/main.bicep')).toMatch(
      /syncSchedule:\s*empty\(syncSchedule\)\s*\?\s*'(\S+ ){5}\S+'\s*:\s*syncSchedule/,
    );
  });

  it('infra/ keeps HEALTH_DETAILED_ERRORS false: the health body is for anyone with a function key', () => {
    expect(functionApp).toMatch(/^\s*HEALTH_DETAILED_ERRORS:\s*'false'$/m);
  });

  it('README.md documents every setting', () => {
    const readmePath = join(repoRoot, 'README.md');
    expect(existsSync(readmePath), 'README.md exists').toBe(true);
    const readme = readRepoFile('README.md');
    expect(SETTING_NAMES.filter((name) => !new RegExp(`\\b${name}\\b`).test(readme))).toEqual([]);
  });
});

/** A role assignment as declared in role-assignments.bicep. */
interface RoleAssignment {
  symbol: string;
  roleId: string;
  scope: string;
  principal: string;
  principalType: string;
  nameArgs: string[];
}

const ROLE_FILE = 'infra/core/security/role-assignments.bicep';

function roleAssignments(): { assignments: RoleAssignment[]; scopes: Map<string, string> } {
  const text = readRepoFile(ROLE_FILE);
  const varBlock = /var roleIds = \{([\s\S]*?)\n\}/.exec(text)?.[1] ?? '';
  const ids = new Map(
    [...varBlock.matchAll(/^\s*(\w+):\s*'([0-9a-f-]{36})'/gm)].map((m) => [m[1] ?? '', m[2] ?? '']),
  );
  const scopes = new Map(
    resourceDeclarations(text)
      .filter((r) => r.existing)
      .map((r) => [r.symbol, r.type]),
  );
  const assignments = resourceDeclarations(text)
    .filter((r) => r.type === 'Microsoft.Authorization/roleAssignments')
    .map((r): RoleAssignment => {
      const body = resourceBody(text, r.symbol);
      const roleKey = /roleDefinitionId:.*roleIds\.(\w+)/.exec(body)?.[1] ?? '';
      return {
        symbol: r.symbol,
        roleId: ids.get(roleKey) ?? `unknown role key ${roleKey}`,
        scope: /^\s*scope:\s*(\w+)/m.exec(body)?.[1] ?? '',
        principal: /^\s*principalId:\s*(\w+)/m.exec(body)?.[1] ?? '',
        principalType: /^\s*principalType:\s*(\S+)/m.exec(body)?.[1] ?? '',
        nameArgs: (/^\s*name:\s*guid\((.*)\)\s*$/m.exec(body)?.[1] ?? '')
          .split(',')
          .map((a) => a.trim()),
      };
    });
  return { assignments, scopes };
}

describe('role assignments of the app identity', () => {
  const { assignments, scopes } = roleAssignments();
  const app = assignments.filter((a) => a.principal === 'appPrincipalId');
  const needed = [
    {
      role: 'Storage Blob Data Owner (host, checkpoints, leases)',
      id: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b',
      on: 'Microsoft.Storage/storageAccounts',
    },
    {
      role: 'Storage Table Data Contributor (mirror tables)',
      id: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3',
      on: 'Microsoft.Storage/storageAccounts',
    },
    {
      role: 'Storage Queue Data Contributor (sync job queue, poison queue count)',
      id: '974c5e8b-45b9-4653-ba55-5f855dd0fb88',
      on: 'Microsoft.Storage/storageAccounts',
    },
    {
      role: 'Monitoring Metrics Publisher (Entra telemetry)',
      id: '3913510d-42f4-4e42-8a64-420c390055eb',
      on: 'Microsoft.Insights/components',
    },
    {
      role: 'Key Vault Secrets User (the credential)',
      id: '4633458b-17de-408a-b874-0445c86b69e6',
      on: 'Microsoft.KeyVault/vaults',
    },
  ];

  it.each(needed)('grants $role on the resource that needs it', ({ id, on }) => {
    const grant = app.find((a) => a.roleId === id);
    expect(grant).toBeDefined();
    expect(scopes.get(grant?.scope ?? '')).toBe(on);
    expect(grant?.principalType).toBe("'ServicePrincipal'");
    // Deterministic and unique per scope, principal and role: guid(scope.id, principalId, roleId).
    expect(grant?.nameArgs).toEqual([
      `${grant?.scope ?? ''}.id`,
      'appPrincipalId',
      expect.stringMatching(/^roleIds\.\w+$/),
    ]);
  });

  it('grants the app nothing else (least privilege)', () => {
    expect(app.map((a) => a.roleId).sort()).toEqual(needed.map((n) => n.id).sort());
  });

  it('gives the operator vault roles only when an operator is named', () => {
    const text = readRepoFile(ROLE_FILE);
    const operator = assignments.filter((a) => a.principal === 'operatorPrincipalId');
    for (const grant of operator) {
      expect(scopes.get(grant.scope)).toBe('Microsoft.KeyVault/vaults');
      expect(text).toMatch(
        new RegExp(`resource ${grant.symbol} '[^']+' = if \\(!empty\\(operatorPrincipalId\\)\\)`),
      );
    }
  });
});
