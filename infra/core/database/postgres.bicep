// Azure Database for PostgreSQL flexible server for SYNC_TARGET=postgres (deployed only when
// main.bicep's deployPostgres is true). Microsoft Entra sign-in only: there is no password login
// and no password anywhere, the app signs in with its managed identity's access token. TLS is
// required. The grants the app needs, and how people query the replica: docs/replica.md.
//
// The server accepts one management operation at a time: a child written while another is still
// running fails with ServerIsBusy. Every child below therefore waits for all the children declared
// before it (a skipped conditional child is ignored by dependsOn). Administrators come last: an
// Entra principal operation on a server that is still settling fails with
// AadAuthOperationCannotBePerformedWhenServerIsNotAccessible (Azure/azure-postgresql#127; rerun
// the deployment if it happens).
param name string
param location string
param tags object

@description('Database the app writes into (POSTGRES_DATABASE).')
param databaseName string

@allowed(['Disabled', 'AzureServices'])
@description('Disabled: no public endpoint (reach the server through private networking you add). AzureServices: public endpoint, open only to connections from Azure (the firewall rule 0.0.0.0).')
param publicAccess string

@description('SKU name, e.g. Standard_B2s (Burstable) or Standard_D2ds_v5 (GeneralPurpose).')
param skuName string

@allowed(['Burstable', 'GeneralPurpose', 'MemoryOptimized'])
param skuTier string

@description('Object (principal) id of the function app\'s user-assigned identity.')
param appPrincipalId string

@description('Name of that identity: its PostgreSQL role name and POSTGRES_USER.')
param appPrincipalName string

@description('true: the app identity is a Microsoft Entra administrator of the server (it creates its schema and tables with no manual step). false: a non-admin principal created with pgaadauth_create_principal and given only its grants (docs/replica.md); another administrator must be named below.')
param appIsAdministrator bool

@description('Object id of a person or group that administers the server (signs in to grant readers, or to create the app principal). Empty: none.')
param administratorObjectId string

@description('Its name: the user principal name of a user, the display name of a group or service principal.')
param administratorName string

@allowed(['User', 'Group', 'ServicePrincipal'])
param administratorType string

// Never leave the server without an administrator: with password login off, nobody could sign in.
var appAdministrator = appIsAdministrator || empty(administratorObjectId)

resource server 'Microsoft.DBforPostgreSQL/flexibleServers@2025-08-01' = {
  name: name
  location: location
  tags: tags
  sku: {
    name: skuName
    tier: skuTier
  }
  properties: {
    version: '17'
    authConfig: {
      activeDirectoryAuth: 'Enabled'
      passwordAuth: 'Disabled'
      tenantId: tenant().tenantId
    }
    network: {
      publicNetworkAccess: publicAccess == 'Disabled' ? 'Disabled' : 'Enabled'
    }
    storage: {
      storageSizeGB: 32
      autoGrow: 'Enabled'
    }
    backup: {
      backupRetentionDays: 7
      geoRedundantBackup: 'Disabled'
    }
    highAvailability: {
      mode: 'Disabled'
    }
  }
}

resource database 'Microsoft.DBforPostgreSQL/flexibleServers/databases@2025-08-01' = {
  parent: server
  name: databaseName
  properties: {
    charset: 'UTF8'
    collation: 'en_US.utf8'
  }
}

// "Allow public access from any Azure service within Azure to this server": the portal's rule.
// Azure-wide, not this tenant only: sign-in (an Entra token of this tenant) is what keeps others out.
resource allowAzureServices 'Microsoft.DBforPostgreSQL/flexibleServers/firewallRules@2025-08-01' = if (publicAccess == 'AzureServices') {
  parent: server
  name: 'AllowAllAzureServicesAndResourcesWithinAzureIps'
  properties: {
    startIpAddress: '0.0.0.0'
    endIpAddress: '0.0.0.0'
  }
  dependsOn: [database]
}

// ON is the service default; set here so that nobody turns it off by hand without the next
// deployment turning it on again.
resource requireSecureTransport 'Microsoft.DBforPostgreSQL/flexibleServers/configurations@2025-08-01' = {
  parent: server
  name: 'require_secure_transport'
  properties: {
    value: 'ON'
    source: 'user-override'
  }
  dependsOn: [database, allowAzureServices]
}

resource appAdmin 'Microsoft.DBforPostgreSQL/flexibleServers/administrators@2025-08-01' = if (appAdministrator) {
  parent: server
  name: appPrincipalId
  properties: {
    principalName: appPrincipalName
    principalType: 'ServicePrincipal'
    tenantId: tenant().tenantId
  }
  dependsOn: [database, allowAzureServices, requireSecureTransport]
}

resource namedAdmin 'Microsoft.DBforPostgreSQL/flexibleServers/administrators@2025-08-01' = if (!empty(administratorObjectId)) {
  parent: server
  name: empty(administratorObjectId) ? 'none' : administratorObjectId
  properties: {
    principalName: administratorName
    principalType: administratorType
    tenantId: tenant().tenantId
  }
  dependsOn: [database, allowAzureServices, requireSecureTransport, appAdmin]
}

output name string = server.name
output fqdn string = server.properties.fullyQualifiedDomainName
output databaseName string = database.name
