// The app's storage account: Functions host state (timer schedule status and locks), the
// deployment package container, the sync job queue and its poison queue, the sync checkpoints
// and leases (blobs) and the mirror tables (one per synced Dataverse table, created by the app
// on first write: their names follow SYNC_TABLES). Entra ID only: shared keys are off, so no
// connection string with an AccountKey exists anywhere.
param name string
param location string
param tags object
@description('Blob container that holds the Flex Consumption deployment package.')
param deploymentContainerName string

// The queue the syncDispatch timer fills and the syncJob trigger reads (SYNC_QUEUE_NAME in
// src/lib/settings/names.ts), and the queue the host moves a message to after
// host.json maxDequeueCount failed attempts. The app and the host would create both on first
// use; declaring them here makes them exist before the first dispatch and keeps them visible.
var jobQueueName = 'dataverse-sync-jobs'
var poisonQueueName = '${jobQueueName}-poison'

resource storageAccount 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: 'Standard_LRS'
  }
  properties: {
    accessTier: 'Hot'
    allowSharedKeyAccess: false
    allowBlobPublicAccess: false
    allowCrossTenantReplication: false
    defaultToOAuthAuthentication: true
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      bypass: 'AzureServices'
      defaultAction: 'Allow'
    }
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: storageAccount
  name: 'default'
}

resource deploymentContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: deploymentContainerName
  properties: {
    publicAccess: 'None'
  }
}

resource queueService 'Microsoft.Storage/storageAccounts/queueServices@2023-05-01' = {
  parent: storageAccount
  name: 'default'
}

resource jobQueue 'Microsoft.Storage/storageAccounts/queueServices/queues@2023-05-01' = {
  parent: queueService
  name: jobQueueName
}

resource poisonQueue 'Microsoft.Storage/storageAccounts/queueServices/queues@2023-05-01' = {
  parent: queueService
  name: poisonQueueName
}

output name string = storageAccount.name
output id string = storageAccount.id
