// Whole deployment of the Dataverse S2S integration app: Flex Consumption function app with a
// user-assigned identity, identity-only storage (with the sync job queue) and Application
// Insights, the Key Vault that holds the Dataverse client credential and, only when
// deployPostgres asks, a PostgreSQL flexible server for SYNC_TARGET=postgres. Deployed into an
// existing resource group (azd asks for one or creates rg-<env>; `az deployment group create`
// targets one), so a team that was handed a resource group needs no subscription-level rights.
targetScope = 'resourceGroup'

@minLength(1)
@maxLength(64)
@description('azd environment name; seeds the unique suffix of every resource name.')
param environmentName string

@minLength(1)
@description('Region of every resource; it must offer the Flex Consumption plan.')
param location string = resourceGroup().location

@description('Object id of the person or pipeline that operates the vault (azd fills AZURE_PRINCIPAL_ID). Gets Key Vault Secrets Officer and Certificates Officer so it can create the Dataverse credential. Empty: no operator role.')
param operatorPrincipalId string = ''

@allowed(['User', 'ServicePrincipal', 'Group'])
@description('Kind of operatorPrincipalId.')
param operatorPrincipalType string = 'User'

// ----- Dataverse (the app settings of design.md; an empty value means "use the app default") -----

@description('DATAVERSE_URL: one environment, e.g. https://contoso.crm.dynamics.com. Set this or dataverseEnvironments.')
param dataverseUrl string = ''

@description('DATAVERSE_ENVIRONMENTS: JSON array [{"name","url","tenantId"?,"tables"?}] for several environments or tenants; "tables" (same form as SYNC_TABLES) overrides syncTables for that environment.')
param dataverseEnvironments string = ''

@description('DATAVERSE_TENANT_ID: home tenant of the app registration. Empty: the tenant of this deployment.')
param dataverseTenantId string = ''

@description('DATAVERSE_CLIENT_ID: application (client) id of the app registration.')
param dataverseClientId string = ''

@allowed(['', 'secret', 'certificate'])
@description('DATAVERSE_CREDENTIAL_TYPE: secret or certificate. Empty: certificate.')
param dataverseCredentialType string = ''

@description('DATAVERSE_CREDENTIAL_NAME: name of the Key Vault certificate or secret. Empty: dataverse-client.')
param dataverseCredentialName string = ''

@description('AZURE_AUTHORITY_HOST: Entra authority host. Empty: the authority of this cloud.')
param azureAuthorityHost string = ''

@description('KEY_VAULT_DISABLE_CHALLENGE_RESOURCE_VERIFICATION: true only for private DNS setups whose vault host name does not end in the vault resource domain.')
param keyVaultDisableChallengeResourceVerification bool = false

// ----- Sync and health -----

@description('SYNC_SCHEDULE (NCRONTAB, 6 fields). Never empty: the Functions host resolves %SYNC_SCHEDULE% itself.')
param syncSchedule string = ''

@description('SYNC_TABLES: tables to sync, each optionally with its columns, e.g. account,contact(fullname,parentcustomerid),new_project. Empty: account (every column).')
param syncTables string = ''

@allowed(['', 'table', 'http', 'postgres'])
@description('SYNC_TARGET: table (mirror table in the app storage), http, or postgres (the server of deployPostgres, docs/replica.md). Empty: table.')
param syncTarget string = ''

@description('SYNC_TABLE_PREFIX: mirror table name = prefix + table logical name without underscores (dvaccount, dvnewproject); the app creates each table on first write. Empty: dv.')
param syncTablePrefix string = ''

@description('SYNC_WEBHOOK_URL: target URL when syncTarget is http.')
param syncWebhookUrl string = ''

@description('SYNC_WEBHOOK_SCOPE: Entra scope of the managed-identity token sent to the webhook.')
param syncWebhookScope string = ''

@minValue(30)
@maxValue(1700)
@description('SYNC_MAX_RUN_SECONDS: time budget of one job (one queue message); a job that reaches it enqueues its continuation. Below host.json functionTimeout (30 min).')
param syncMaxRunSeconds int = 600

@minValue(1)
@maxValue(5000)
@description('SYNC_PAGE_SIZE: rows per Dataverse page; smaller for wide rows or a receiver that takes smaller requests.')
param syncPageSize int = 5000

@description('SYNC_LABEL_LANGUAGE: language (LCID, e.g. 1033) of the choice labels written beside choice columns. Empty: the base language of the organization.')
param syncLabelLanguage string = ''

@minValue(0)
@description('HEALTH_CACHE_SECONDS: how long a health result is reused.')
param healthCacheSeconds int = 60

@minValue(1)
@description('CREDENTIAL_EXPIRY_WARNING_DAYS: warn this many days before the credential expires.')
param credentialExpiryWarningDays int = 30

// ----- PostgreSQL replica (SYNC_TARGET=postgres; docs/replica.md) -----

@description('Deploy an Azure Database for PostgreSQL flexible server (Microsoft Entra sign-in only, TLS required) and point POSTGRES_HOST, POSTGRES_DATABASE and POSTGRES_USER at it. Off: no server, those settings empty.')
param deployPostgres bool = false

@allowed(['Disabled', 'AzureServices'])
@description('Public endpoint of the server. AzureServices (default): open to connections from Azure only, which is how a Flex Consumption app without virtual network integration reaches it (its outbound addresses are not fixed). Disabled: no public endpoint; only for a deployment that adds virtual network integration and a private endpoint itself, otherwise the app cannot connect.')
param postgresPublicAccess string = 'AzureServices'

@minLength(1)
@maxLength(63)
@description('POSTGRES_DATABASE: database created on the server for the replica. Lower-case letters, digits and underscores (the app accepts no other name).')
param postgresDatabaseName string = 'dataverse'

@minLength(1)
@maxLength(63)
@description('POSTGRES_SCHEMA: schema of the replica tables (one per Dataverse table, e.g. dataverse.account). Lower-case letters, digits and underscores.')
param postgresSchema string = 'dataverse'

@description('Server SKU. Standard_B2s allows 414 user connections (Standard_B1ms only 35, too few for many instances); GeneralPurpose (Standard_D2ds_v5) for sustained full loads without Burstable CPU credits.')
param postgresSkuName string = 'Standard_B2s'

@allowed(['Burstable', 'GeneralPurpose', 'MemoryOptimized'])
@description('Tier of postgresSkuName.')
param postgresSkuTier string = 'Burstable'

@description('true: the app identity is a Microsoft Entra administrator of the server and creates its schema and tables by itself. false (least privilege): it is made a non-admin principal with only its grants, by the administrator named below, with the SQL of docs/replica.md. Ignored (treated as true) when no administrator is named.')
param postgresAppIsAdministrator bool = true

@description('Object id of a person or group to make a Microsoft Entra administrator of the server (to grant readers, or to create the app principal when postgresAppIsAdministrator is false). Empty: none.')
param postgresAdministratorObjectId string = ''

@description('Name of postgresAdministratorObjectId: user principal name of a user, display name of a group or service principal.')
param postgresAdministratorName string = ''

@allowed(['User', 'Group', 'ServicePrincipal'])
@description('Kind of postgresAdministratorObjectId.')
param postgresAdministratorType string = 'User'

// ----- Hosting -----

@minValue(1)
@maxValue(1000)
@description('Flex Consumption scale-out limit: at most this many instances run sync jobs from the queue at once.')
param maximumInstanceCount int = 40

@allowed([512, 2048, 4096])
@description('Flex Consumption instance size.')
param instanceMemoryMB int = 2048

var resourceToken = toLower(uniqueString(subscription().id, resourceGroup().id, environmentName, location))
var tags = { 'azd-env-name': environmentName }
var functionAppName = 'func-${resourceToken}'
var deploymentContainerName = 'app-package'

module identity 'core/security/identity.bicep' = {
  name: 'identity'
  params: {
    name: 'id-func-${resourceToken}'
    location: location
    tags: tags
  }
}

module monitoring 'core/monitor/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    logAnalyticsName: 'log-${resourceToken}'
    applicationInsightsName: 'appi-${resourceToken}'
    location: location
    tags: tags
  }
}

module storage 'core/storage/storage.bicep' = {
  name: 'storage'
  params: {
    name: 'st${resourceToken}'
    location: location
    tags: tags
    deploymentContainerName: deploymentContainerName
  }
}

module keyVault 'core/security/keyvault.bicep' = {
  name: 'keyvault'
  params: {
    name: 'kv-${resourceToken}'
    location: location
    tags: tags
  }
}

module roles 'core/security/role-assignments.bicep' = {
  name: 'role-assignments'
  params: {
    appPrincipalId: identity.outputs.principalId
    storageAccountName: storage.outputs.name
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    keyVaultName: keyVault.outputs.name
    operatorPrincipalId: operatorPrincipalId
    operatorPrincipalType: operatorPrincipalType
  }
}

module postgres 'core/database/postgres.bicep' = if (deployPostgres) {
  name: 'postgres'
  params: {
    name: 'psql-${resourceToken}'
    location: location
    tags: tags
    databaseName: postgresDatabaseName
    publicAccess: postgresPublicAccess
    skuName: postgresSkuName
    skuTier: postgresSkuTier
    appPrincipalId: identity.outputs.principalId
    appPrincipalName: identity.outputs.name
    appIsAdministrator: postgresAppIsAdministrator
    administratorObjectId: postgresAdministratorObjectId
    administratorName: postgresAdministratorName
    administratorType: postgresAdministratorType
  }
}

module functionApp 'app/function-app.bicep' = {
  name: 'function-app'
  params: {
    name: functionAppName
    planName: 'plan-${resourceToken}'
    location: location
    tags: tags
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    storageAccountName: storage.outputs.name
    deploymentContainerName: deploymentContainerName
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    keyVaultUri: keyVault.outputs.uri
    maximumInstanceCount: maximumInstanceCount
    instanceMemoryMB: instanceMemoryMB
    dataverseUrl: dataverseUrl
    dataverseEnvironments: dataverseEnvironments
    dataverseTenantId: empty(dataverseTenantId) ? tenant().tenantId : dataverseTenantId
    dataverseClientId: dataverseClientId
    dataverseCredentialType: empty(dataverseCredentialType) ? 'certificate' : dataverseCredentialType
    dataverseCredentialName: empty(dataverseCredentialName) ? 'dataverse-client' : dataverseCredentialName
    azureAuthorityHost: azureAuthorityHost
    keyVaultDisableChallengeResourceVerification: keyVaultDisableChallengeResourceVerification
    syncSchedule: empty(syncSchedule) ? '0 */15 * * * *' : syncSchedule
    syncTables: empty(syncTables) ? 'account' : syncTables
    syncTarget: empty(syncTarget) ? 'table' : syncTarget
    syncTablePrefix: empty(syncTablePrefix) ? 'dv' : syncTablePrefix
    syncWebhookUrl: syncWebhookUrl
    syncWebhookScope: syncWebhookScope
    syncMaxRunSeconds: syncMaxRunSeconds
    syncPageSize: syncPageSize
    syncLabelLanguage: syncLabelLanguage
    healthCacheSeconds: healthCacheSeconds
    credentialExpiryWarningDays: credentialExpiryWarningDays
    // Empty without deployPostgres: the app then reads no server from infra (a local-development
    // POSTGRES_CONNECTION_STRING is never an app setting).
    postgresHost: deployPostgres ? postgres.outputs.fqdn : ''
    postgresDatabase: deployPostgres ? postgres.outputs.databaseName : ''
    postgresUser: deployPostgres ? identity.outputs.name : ''
    postgresSchema: deployPostgres ? postgresSchema : ''
  }
  // The host starts as soon as the site exists; its identity should already hold its roles.
  dependsOn: [roles]
}

// azd reads these into the environment (.azure/<env>/.env). Names and ids only: no key, no
// connection string, no secret.
output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = resourceGroup().name
output AZURE_FUNCTION_APP_NAME string = functionApp.outputs.name
output SERVICE_API_NAME string = functionApp.outputs.name
output SERVICE_API_URI string = functionApp.outputs.uri
output AZURE_KEY_VAULT_NAME string = keyVault.outputs.name
output KEY_VAULT_URL string = keyVault.outputs.uri
output AZURE_STORAGE_ACCOUNT_NAME string = storage.outputs.name
output AZURE_MANAGED_IDENTITY_CLIENT_ID string = identity.outputs.clientId
output AZURE_MANAGED_IDENTITY_PRINCIPAL_ID string = identity.outputs.principalId
output APPLICATIONINSIGHTS_NAME string = monitoring.outputs.applicationInsightsName
output AZURE_POSTGRES_SERVER_NAME string = deployPostgres ? postgres.outputs.name : ''
output POSTGRES_HOST string = deployPostgres ? postgres.outputs.fqdn : ''
output POSTGRES_DATABASE string = deployPostgres ? postgres.outputs.databaseName : ''
output POSTGRES_USER string = deployPostgres ? identity.outputs.name : ''
