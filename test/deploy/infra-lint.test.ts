// Structural checks of infra/ without a Bicep compiler (none installs on these machines): the
// text must be well formed, every module wired to what it declares, and the security settings
// of the design present. What only `az bicep build` can prove is listed in docs/deployment.md.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { SYNC_POISON_QUEUE_NAME, SYNC_QUEUE_NAME } from '../../src/lib/settings';
import {
  bicepFiles,
  blankCommentsAndStrings,
  bracketProblems,
  moduleDeclarations,
  outputNames,
  paramDeclarations,
  readRepoFile,
  repoRoot,
  resourceBody,
  resourceDeclarations,
} from './bicep';

const files = bicepFiles();
const allText = files.map(readRepoFile).join('\n');
const functionApp = readRepoFile('infra/app/function-app.bicep');

describe('infra/ Bicep text', () => {
  it('has the expected modules', () => {
    expect(files).toEqual(
      expect.arrayContaining([
        'infra/main.bicep',
        'infra/app/function-app.bicep',
        'infra/core/monitor/monitoring.bicep',
        'infra/core/storage/storage.bicep',
        'infra/core/security/identity.bicep',
        'infra/core/security/keyvault.bicep',
        'infra/core/security/role-assignments.bicep',
      ]),
    );
  });

  it.each(files)('%s has balanced brackets and terminated strings and comments', (file) => {
    const { code, problems } = blankCommentsAndStrings(readRepoFile(file));
    expect(problems).toEqual([]);
    expect(bracketProblems(code)).toEqual([]);
  });

  it.each(files)('%s uses every parameter it declares', (file) => {
    const { code } = blankCommentsAndStrings(readRepoFile(file));
    const unused = paramDeclarations(readRepoFile(file))
      .map((p) => p.name)
      .filter((name) => (code.match(new RegExp(`\\b${name}\\b`, 'g')) ?? []).length < 2);
    expect(unused).toEqual([]);
  });

  it.each(files)('%s passes each module exactly the parameters it declares', (file) => {
    for (const module of moduleDeclarations(readRepoFile(file))) {
      const target = join(dirname(join(repoRoot, file)), module.path);
      expect(existsSync(target), `${file}: module ${module.symbol} -> ${module.path}`).toBe(true);
      const declared = paramDeclarations(readRepoFile(join(dirname(file), module.path)));
      const required = declared.filter((p) => !p.hasDefault).map((p) => p.name);
      expect(
        required.filter((p) => !module.params.includes(p)),
        `${module.symbol}: missing params`,
      ).toEqual([]);
      const known = declared.map((p) => p.name);
      expect(
        module.params.filter((p) => !known.includes(p)),
        `${module.symbol}: unknown params`,
      ).toEqual([]);
    }
  });

  it.each(files)('%s reads only outputs that its modules declare', (file) => {
    const text = readRepoFile(file);
    const modules = new Map(moduleDeclarations(text).map((m) => [m.symbol, m.path]));
    for (const use of text.matchAll(/\b(\w+)\.outputs\.(\w+)/g)) {
      const path = modules.get(use[1] ?? '');
      expect(path, `${file}: ${use[0]} names no module`).toBeDefined();
      expect(
        outputNames(readRepoFile(join(dirname(file), path ?? ''))),
        `${file}: ${use[0]}`,
      ).toContain(use[2]);
    }
  });

  it('pins one stable API version per resource type', () => {
    const versions = new Map<string, Set<string>>();
    for (const r of resourceDeclarations(allText)) {
      expect(r.apiVersion, r.type).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      versions.set(r.type, (versions.get(r.type) ?? new Set()).add(r.apiVersion));
    }
    const mixed = [...versions].filter(([, v]) => v.size > 1).map(([type]) => type);
    expect(mixed).toEqual([]);
  });

  it('main.parameters.json fills every required parameter and names only declared ones', () => {
    const parameters = JSON.parse(readRepoFile('infra/main.parameters.json')) as {
      parameters: Record<string, { value: unknown }>;
    };
    const declared = paramDeclarations(readRepoFile('infra/main.bicep'));
    const given = Object.keys(parameters.parameters);
    expect(given.filter((p) => !declared.some((d) => d.name === p))).toEqual([]);
    expect(
      declared.filter((d) => !d.hasDefault && !given.includes(d.name)).map((d) => d.name),
    ).toEqual([]);
    expect(parameters.parameters.environmentName?.value).toBe('${AZURE_ENV_NAME}');
    expect(parameters.parameters.location?.value).toBe('${AZURE_LOCATION}');
  });
});

describe('infra/ security settings', () => {
  it('hardens the function app: https only, TLS 1.2, no FTP, no basic-auth publishing', () => {
    const site = resourceBody(functionApp, 'site');
    expect(site).toMatch(/\bhttpsOnly:\s*true\b/);
    expect(site).toMatch(/\bminTlsVersion:\s*'1\.2'/);
    expect(site).toMatch(/\bftpsState:\s*'Disabled'/);
    for (const policy of ['ftp', 'scm']) {
      const block = [
        ...functionApp.matchAll(
          /resource\s+\w+\s+'Microsoft\.Web\/sites\/basicPublishingCredentialsPolicies@[^']+'\s*=\s*\{[^}]*\}[^}]*\}/g,
        ),
      ]
        .map((m) => m[0])
        .find((b) => b.includes(`name: '${policy}'`));
      expect(block, `basicPublishingCredentialsPolicies ${policy}`).toMatch(/allow:\s*false/);
    }
  });

  it('runs on Flex Consumption FC1, Linux, Node 22, deploying from blob storage with the user-assigned identity', () => {
    const plan = resourceBody(functionApp, 'plan');
    expect(plan).toMatch(/name:\s*'FC1'/);
    expect(plan).toMatch(/tier:\s*'FlexConsumption'/);
    expect(plan).toMatch(/reserved:\s*true/);
    const site = resourceBody(functionApp, 'site');
    expect(site).toMatch(/kind:\s*'functionapp,linux'/);
    expect(site).toMatch(/runtime:\s*\{\s*name:\s*'node'\s*version:\s*'22'\s*\}/);
    expect(site).toMatch(/type:\s*'blobContainer'/);
    expect(site).toMatch(
      /type:\s*'UserAssignedIdentity'\s*userAssignedIdentityResourceId:\s*identityId/,
    );
    expect(site).toMatch(/instanceMemoryMB:\s*instanceMemoryMB/);
    expect(site).toMatch(/maximumInstanceCount:\s*maximumInstanceCount/);
    expect(site).toMatch(/'azd-service-name':\s*'api'/);
  });

  it('uses identity-based host storage and never a storage key', () => {
    const storage = resourceBody(
      readRepoFile('infra/core/storage/storage.bicep'),
      'storageAccount',
    );
    expect(storage).toMatch(/allowSharedKeyAccess:\s*false/);
    expect(storage).toMatch(/allowBlobPublicAccess:\s*false/);
    expect(storage).toMatch(/minimumTlsVersion:\s*'TLS1_2'/);
    const settings = resourceBody(functionApp, 'appSettings');
    expect(settings).toMatch(/AzureWebJobsStorage__credential:\s*'managedidentity'/);
    expect(settings).toMatch(/AzureWebJobsStorage__clientId:\s*identityClientId/);
    expect(settings).toMatch(/AzureWebJobsStorage__blobServiceUri:/);
    expect(settings).toMatch(/AzureWebJobsStorage__tableServiceUri:/);
    // The syncJob queue trigger and the dispatcher reach the job queue through this one.
    expect(settings).toMatch(/AzureWebJobsStorage__queueServiceUri:/);
    expect(settings).not.toMatch(/^\s*AzureWebJobsStorage:/m);
    expect(allText).not.toMatch(
      /listKeys\s*\(|listAccountSas|AccountKey=|DefaultEndpointsProtocol=/,
    );
  });

  it('creates the job queue the syncJob trigger reads, and its poison queue', () => {
    const storage = readRepoFile('infra/core/storage/storage.bicep');
    const queues = resourceDeclarations(storage).filter(
      (r) => r.type === 'Microsoft.Storage/storageAccounts/queueServices/queues',
    );
    expect(queues.map((q) => q.symbol).sort()).toEqual(['jobQueue', 'poisonQueue']);
    expect(storage).toMatch(new RegExp(`^var jobQueueName = '${SYNC_QUEUE_NAME}'$`, 'm'));
    expect(`${SYNC_QUEUE_NAME}-poison`).toBe(SYNC_POISON_QUEUE_NAME);
    expect(storage).toMatch(/^var poisonQueueName = '\$\{jobQueueName\}-poison'$/m);
  });

  it('sends telemetry with Entra auth only', () => {
    const component = resourceBody(
      readRepoFile('infra/core/monitor/monitoring.bicep'),
      'applicationInsights',
    );
    expect(component).toMatch(/DisableLocalAuth:\s*true/i);
    const settings = resourceBody(functionApp, 'appSettings');
    expect(settings).toMatch(
      /APPLICATIONINSIGHTS_AUTHENTICATION_STRING:\s*'ClientId=\$\{identityClientId\};Authorization=AAD'/,
    );
    expect(settings).toMatch(/AZURE_CLIENT_ID:\s*identityClientId/);
  });

  it('keeps the vault on RBAC with soft delete and purge protection', () => {
    const vault = resourceBody(readRepoFile('infra/core/security/keyvault.bicep'), 'vault');
    expect(vault).toMatch(/enableRbacAuthorization:\s*true/);
    expect(vault).toMatch(/enableSoftDelete:\s*true/);
    expect(vault).toMatch(/enablePurgeProtection:\s*true/);
    expect(vault).not.toMatch(/accessPolicies/);
  });

  it('outputs names and ids only: no key, secret or connection string', () => {
    const outputs = [...allText.matchAll(/^output\s+.*$/gm)].map((m) => m[0]);
    expect(outputs.length).toBeGreaterThan(0);
    for (const line of outputs) {
      expect(line).not.toMatch(
        /list\w*\(|secret|password|connectionstring|accountkey|instrumentationkey/i,
      );
    }
    expect(allText).not.toMatch(/@secure\(\)\s*output/);
  });
});
