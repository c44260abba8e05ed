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
  matchingBrace,
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
        'infra/core/database/postgres.bicep',
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

const POSTGRES_MODULE = 'infra/core/database/postgres.bicep';
const SERVER_TYPE = 'Microsoft.DBforPostgreSQL/flexibleServers';

/** The text with its comments blanked (strings kept), so a comment can never satisfy a check. */
function withoutComments(text: string): string {
  const { code } = blankCommentsAndStrings(text);
  // Offsets are UTF-16 units, as in blankCommentsAndStrings: comments became spaces there.
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text.charAt(i);
    out += code.charAt(i) === ' ' && c !== ' ' ? ' ' : c;
  }
  return out;
}

/** The `{...}` value of `key:` inside a body (the first one), comments blanked. */
function objectProperty(body: string, key: string): string {
  const text = withoutComments(body);
  const { code } = blankCommentsAndStrings(text);
  const at = code.search(new RegExp(`\\b${key}\\s*:\\s*\\{`));
  if (at === -1) return '';
  const open = code.indexOf('{', at);
  return text.slice(open, matchingBrace(code, open));
}

/** The string values of a parameter's `@allowed([...])` decorator. */
function allowedValues(text: string, param: string): string[] {
  const lines = text.split('\n');
  const at = lines.findIndex((line) => new RegExp(`^param\\s+${param}\\s`).test(line));
  const decorators: string[] = [];
  for (let i = at - 1; i >= 0 && (lines[i] ?? '').startsWith('@'); i--) {
    decorators.push(lines[i] ?? '');
  }
  const allowed = decorators.find((d) => d.startsWith('@allowed('));
  return [...(allowed ?? '').matchAll(/'([^']*)'/g)].map((m) => m[1] ?? '');
}

/** The declaration line of a resource (`resource <symbol> '<type>@<version>' = [if (...)] {`). */
function declarationLine(text: string, symbol: string): string {
  return new RegExp(`^resource\\s+${symbol}\\s.*$`, 'm').exec(text)?.[0] ?? '';
}

describe('infra/ PostgreSQL server (optional)', () => {
  const main = readRepoFile('infra/main.bicep');
  const mainCode = withoutComments(main);
  const pg = readRepoFile(POSTGRES_MODULE);
  const pgCode = withoutComments(pg);
  const declared = resourceDeclarations(pg).filter((r) => !r.existing);
  const servers = declared.filter((r) => r.type === SERVER_TYPE);
  const serverSymbol = servers[0]?.symbol ?? 'no-server';
  const server = withoutComments(resourceBody(pg, serverSymbol));
  const children = declared.filter((r) => r.type.startsWith(`${SERVER_TYPE}/`));
  const childOfType = (type: string) => children.filter((r) => r.type === `${SERVER_TYPE}/${type}`);

  it('is one server in its own module, deployed only when deployPostgres asks (off by default)', () => {
    expect(servers).toHaveLength(1);
    // No PostgreSQL resource anywhere else: the conditional module is the only way in.
    const elsewhere = files
      .filter((file) => file !== POSTGRES_MODULE)
      .flatMap((file) => resourceDeclarations(readRepoFile(file)))
      .filter((r) => r.type.startsWith('Microsoft.DBforPostgreSQL/'));
    expect(elsewhere).toEqual([]);
    expect(main).toMatch(/^param deployPostgres bool = false$/m);
    const modules = moduleDeclarations(main).filter(
      (m) => m.path === 'core/database/postgres.bicep',
    );
    expect(modules).toHaveLength(1);
    const symbol = modules[0]?.symbol ?? 'no-module';
    expect(main).toMatch(
      new RegExp(
        `^module ${symbol} 'core/database/postgres\\.bicep' = if \\(deployPostgres\\) \\{$`,
        'm',
      ),
    );
    // Every read of the module's outputs is guarded by the same condition.
    const reads = mainCode.split('\n').filter((line) => line.includes(`${symbol}.outputs.`));
    expect(reads.length).toBeGreaterThan(0);
    for (const line of reads) {
      expect(line).toMatch(new RegExp(`deployPostgres \\? ${symbol}\\.outputs\\.\\w+ : ''`));
    }
    // Children are attached to this server, never declared free-standing.
    expect(children.length).toBeGreaterThan(0);
    for (const child of children) {
      expect(withoutComments(resourceBody(pg, child.symbol)), child.symbol).toMatch(
        new RegExp(`^\\s*parent:\\s*${serverSymbol}$`, 'm'),
      );
    }
  });

  it('signs in with Microsoft Entra only: password login off, no administrator password anywhere', () => {
    const auth = objectProperty(server, 'authConfig');
    expect(auth).toMatch(/^\s*activeDirectoryAuth:\s*'Enabled'$/m);
    expect(auth).toMatch(/^\s*passwordAuth:\s*'Disabled'$/m);
    expect(auth).toMatch(/^\s*tenantId:\s*tenant\(\)\.tenantId$/m);
    // Comments included: not even an example of a password login.
    expect(allText).not.toMatch(/administratorLogin/i);
    expect(allText).not.toMatch(/passwordAuth:\s*'Enabled'/);
    expect(pg).not.toMatch(/@secure\(\)/);
  });

  it('requires TLS, on every deployment', () => {
    const configurations = childOfType('configurations');
    const tls = configurations.filter((r) =>
      /^\s*name:\s*'require_secure_transport'$/m.test(withoutComments(resourceBody(pg, r.symbol))),
    );
    expect(tls).toHaveLength(1);
    const symbol = tls[0]?.symbol ?? 'none';
    expect(objectProperty(resourceBody(pg, symbol), 'properties')).toMatch(/^\s*value:\s*'ON'$/m);
    expect(declarationLine(pg, symbol)).not.toMatch(/\bif\s*\(/);
  });

  it('makes the app identity a Microsoft Entra administrator unless another administrator takes its place', () => {
    const admins = childOfType('administrators');
    const app = admins.filter((r) =>
      /^\s*name:\s*appPrincipalId$/m.test(withoutComments(resourceBody(pg, r.symbol))),
    );
    expect(app).toHaveLength(1);
    const symbol = app[0]?.symbol ?? 'none';
    const props = objectProperty(resourceBody(pg, symbol), 'properties');
    expect(props).toMatch(/^\s*principalType:\s*'ServicePrincipal'$/m);
    expect(props).toMatch(/^\s*principalName:\s*appPrincipalName$/m);
    // With password login off, a server without any administrator could never be signed in to.
    expect(pgCode).toMatch(
      /^var appAdministrator = appIsAdministrator \|\| empty\(administratorObjectId\)$/m,
    );
    expect(declarationLine(pg, symbol)).toMatch(/= if \(appAdministrator\) \{$/);
    // The principal is the function app's identity, and POSTGRES_USER is its role name.
    expect(mainCode).toMatch(/^\s*appPrincipalId:\s*identity\.outputs\.principalId$/m);
    expect(mainCode).toMatch(/^\s*appPrincipalName:\s*identity\.outputs\.name$/m);
    expect(mainCode).toMatch(
      /^\s*postgresUser:\s*deployPostgres \? identity\.outputs\.name : ''$/m,
    );
  });

  it('keeps the public endpoint off or open to Azure services only (the default)', () => {
    for (const [text, param] of [
      [main, 'postgresPublicAccess'],
      [pg, 'publicAccess'],
    ] as const) {
      expect(allowedValues(text, param).sort(), param).toEqual(['AzureServices', 'Disabled']);
    }
    expect(main).toMatch(/^param postgresPublicAccess string = 'AzureServices'$/m);
    expect(mainCode).toMatch(/^\s*publicAccess:\s*postgresPublicAccess$/m);
    expect(objectProperty(server, 'network')).toMatch(
      /^\s*publicNetworkAccess:\s*publicAccess == 'Disabled' \? 'Disabled' : 'Enabled'$/m,
    );
    const rules = childOfType('firewallRules');
    expect(rules).toHaveLength(1);
    const symbol = rules[0]?.symbol ?? 'none';
    expect(declarationLine(pg, symbol)).toMatch(/= if \(publicAccess == 'AzureServices'\) \{$/);
    const body = withoutComments(resourceBody(pg, symbol));
    expect(body).toMatch(/^\s*name:\s*'AllowAllAzureServicesAndResourcesWithinAzureIps'$/m);
    expect(body).toMatch(/^\s*startIpAddress:\s*'0\.0\.0\.0'$/m);
    expect(body).toMatch(/^\s*endIpAddress:\s*'0\.0\.0\.0'$/m);
  });

  it('writes the server children one at a time (the server refuses concurrent operations)', () => {
    children.forEach((child, index) => {
      const body = withoutComments(resourceBody(pg, child.symbol));
      const dependsOn = (/^\s*dependsOn:\s*\[([^\]]*)\]$/m.exec(body)?.[1] ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== '');
      const before = children.slice(0, index).map((c) => c.symbol);
      expect(
        before.filter((s) => !dependsOn.includes(s)),
        child.symbol,
      ).toEqual([]);
    });
  });

  it('sets POSTGRES_HOST, POSTGRES_DATABASE, POSTGRES_USER and POSTGRES_SCHEMA, and never a connection string', () => {
    const settings = withoutComments(resourceBody(functionApp, 'appSettings'));
    for (const [name, param] of [
      ['POSTGRES_HOST', 'postgresHost'],
      ['POSTGRES_DATABASE', 'postgresDatabase'],
      ['POSTGRES_USER', 'postgresUser'],
      ['POSTGRES_SCHEMA', 'postgresSchema'],
    ] as const) {
      expect(settings).toMatch(new RegExp(`^\\s*${name}:\\s*${param}$`, 'm'));
    }
    expect(mainCode).toMatch(
      /^\s*postgresHost:\s*deployPostgres \? postgres\.outputs\.fqdn : ''$/m,
    );
    expect(mainCode).toMatch(
      /^\s*postgresDatabase:\s*deployPostgres \? postgres\.outputs\.databaseName : ''$/m,
    );
    expect(mainCode).toMatch(/^\s*postgresSchema:\s*deployPostgres \? postgresSchema : ''$/m);
    expect(main).toMatch(/^param postgresSchema string = 'dataverse'$/m);
    expect(main).toMatch(/^param postgresDatabaseName string = 'dataverse'$/m);
    // Local development only (it carries a password): named in comments, never in code.
    for (const file of files) {
      expect(withoutComments(readRepoFile(file)), file).not.toMatch(/POSTGRES_CONNECTION_STRING/);
    }
    expect(allowedValues(main, 'syncTarget')).toContain('postgres');
  });
});
