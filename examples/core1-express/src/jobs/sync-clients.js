// Copies the client list to the analytics store.
const sdk = require('@clerk/clerk-sdk-node');

function syncClients(store) {
  return sdk.clerkClient.clients.getClientList().then((clients) => store.save(clients.map((c) => c.id)));
}

module.exports = { syncClients };
