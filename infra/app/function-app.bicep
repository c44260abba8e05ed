// Flex Consumption (FC1, Linux) function app running Node 22, with the user-assigned identity for
// everything: host storage, deployment package, telemetry, Key Vault. Basic-auth publishing (FTP
// and SCM) is off: deployments authenticate with Entra ID (azd, func, az all do).
param name string
param planName string
param location string
param tags object
param identityId string
param identityClientId string
param storageAccountName string
param deploymentContainerName string
param applicationInsightsName string
param keyVaultUri string
param maximumInstanceCount int
param instanceMemoryMB int

param dataverseUrl string
param dataverseEnvironments string
param dataverseTenantId string
param dataverseClientId string
param dataverseCredentialType string
param dataverseCredentialName string
param azureAuthorityHost string
param keyVaultDisableChallengeResourceVerification bool
param syncSchedule string
param syncTables string
param syncTarget string
param syncTablePrefix string
param syncWebhookUrl string
param syncWebhookScope string
param syncMaxRunSeconds int
param syncPageSize int
param syncLabelLanguage string
param healthCacheSeconds int
param credentialExpiryWarningDays int
param postgresHost string
param postgresDatabase string
param postgresUser string
param postgresSchema string

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

var blobServiceUri = 'https://${storageAccountName}.blob.${environment().suffixes.storage}'
var tableServiceUri = 'https://${storageAccountName}.table.${environment().suffixes.storage}'
var queueServiceUri = 'https://${storageAccountName}.queue.${environment().suffixes.storage}'
// loginEndpoint ends with '/'; the app wants the bare origin.
var loginEndpoint = environment().authentication.loginEndpoint
var defaultAuthorityHost = endsWith(loginEndpoint, '/') ? substring(loginEndpoint, 0, length(loginEndpoint) - 1) : loginEndpoint

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    name: 'FC1'
    tier: 'FlexConsumption'
  }
  properties: {
    reserved: true
  }
}

resource site 'Microsoft.Web/sites@2024-04-01' = {
  name: name
  location: location
  // azd finds the app to deploy the `api` service of azure.yaml by this tag.
  tags: union(tags, { 'azd-service-name': 'api' })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    siteConfig: {
      minTlsVersion: '1.2'
      scmMinTlsVersion: '1.2'
      ftpsState: 'Disabled'
      http20Enabled: true
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${blobServiceUri}/${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
      }
      runtime: {
        name: 'node'
        version: '22'
      }
    }
  }
}

// The complete set of app settings (this resource replaces whatever was set by hand). Flex
// Consumption takes the runtime from functionAppConfig: FUNCTIONS_WORKER_RUNTIME,
// FUNCTIONS_EXTENSION_VERSION and WEBSITE_RUN_FROM_PACKAGE must not be set.
//
// DATAVERSE_CLIENT_SECRET and DATAVERSE_CLIENT_CERTIFICATE_PATH are deliberately absent: they are
// the local-development credential sources, used only when KEY_VAULT_URL is not set. In Azure the
// app reads the credential from Key Vault (KEY_VAULT_URL + DATAVERSE_CREDENTIAL_NAME) with its
// managed identity, so no secret ever sits in an app setting.
//
// POSTGRES_CONNECTION_STRING is absent for the same reason: it is the local-development way to
// name a PostgreSQL server (it carries a password). In Azure the app signs in to the server of
// POSTGRES_HOST as POSTGRES_USER with a Microsoft Entra token of its managed identity.
resource appSettings 'Microsoft.Web/sites/config@2024-04-01' = {
  parent: site
  name: 'appsettings'
  properties: {
    // Functions host storage, identity-based (shared keys are disabled on the account).
    AzureWebJobsStorage__credential: 'managedidentity'
    AzureWebJobsStorage__clientId: identityClientId
    AzureWebJobsStorage__blobServiceUri: blobServiceUri
    AzureWebJobsStorage__tableServiceUri: tableServiceUri
    // The syncJob queue trigger and the syncDispatch timer use the dataverse-sync-jobs queue here.
    AzureWebJobsStorage__queueServiceUri: queueServiceUri
    // Telemetry with Entra auth: the component has local (key) auth disabled.
    APPLICATIONINSIGHTS_CONNECTION_STRING: applicationInsights.properties.ConnectionString
    APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identityClientId};Authorization=AAD'
    // Azure SDK: which managed identity to use; DefaultAzureCredential limited to
    // Environment, WorkloadIdentity and ManagedIdentity (no developer-tool credentials in Azure).
    AZURE_CLIENT_ID: identityClientId
    AZURE_TOKEN_CREDENTIALS: 'prod'
    // Dataverse. An empty value means "not set" to the app (src/lib/settings/read.ts).
    DATAVERSE_URL: dataverseUrl
    DATAVERSE_ENVIRONMENTS: dataverseEnvironments
    DATAVERSE_TENANT_ID: dataverseTenantId
    DATAVERSE_CLIENT_ID: dataverseClientId
    DATAVERSE_CREDENTIAL_TYPE: dataverseCredentialType
    KEY_VAULT_URL: keyVaultUri
    DATAVERSE_CREDENTIAL_NAME: dataverseCredentialName
    AZURE_AUTHORITY_HOST: empty(azureAuthorityHost) ? defaultAuthorityHost : azureAuthorityHost
    KEY_VAULT_DISABLE_CHALLENGE_RESOURCE_VERIFICATION: keyVaultDisableChallengeResourceVerification ? 'true' : 'false'
    // Sync: the job queue, checkpoints, leases and the mirror tables live in the host storage
    // account.
    SYNC_SCHEDULE: syncSchedule
    SYNC_TABLES: syncTables
    SYNC_TARGET: syncTarget
    SYNC_STORAGE: 'AzureWebJobsStorage'
    SYNC_TABLE_PREFIX: syncTablePrefix
    SYNC_WEBHOOK_URL: syncWebhookUrl
    SYNC_WEBHOOK_SCOPE: syncWebhookScope
    SYNC_MAX_RUN_SECONDS: string(syncMaxRunSeconds)
    SYNC_PAGE_SIZE: string(syncPageSize)
    SYNC_LABEL_LANGUAGE: syncLabelLanguage
    HEALTH_CACHE_SECONDS: string(healthCacheSeconds)
    // Anyone with a function key reads the health body: in Azure it names what failed and points
    // to the log, never the vault, identity ids or az commands. Flip it in the portal for a short
    // investigation; the next deployment turns it off again.
    HEALTH_DETAILED_ERRORS: 'false'
    CREDENTIAL_EXPIRY_WARNING_DAYS: string(credentialExpiryWarningDays)
    // PostgreSQL target (SYNC_TARGET=postgres): the server's host name, the database, the role
    // name of the identity (its name) and the schema; all empty unless main.bicep deployed a server.
    POSTGRES_HOST: postgresHost
    POSTGRES_DATABASE: postgresDatabase
    POSTGRES_USER: postgresUser
    POSTGRES_SCHEMA: postgresSchema
  }
}

resource ftpPublishing 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: site
  name: 'ftp'
  properties: {
    allow: false
  }
}

resource scmPublishing 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: site
  name: 'scm'
  properties: {
    allow: false
  }
}

output name string = site.name
output uri string = 'https://${site.properties.defaultHostName}'
