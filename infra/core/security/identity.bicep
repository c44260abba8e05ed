// User-assigned managed identity of the function app. User-assigned (not system-assigned) so
// its client id is known before the site exists: AzureWebJobsStorage__clientId, AZURE_CLIENT_ID
// and the Application Insights authentication string all need it in the site's own settings.
param name string
param location string
param tags object

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: name
  location: location
  tags: tags
}

output id string = identity.id
output name string = identity.name
output clientId string = identity.properties.clientId
output principalId string = identity.properties.principalId
