// Nightly job, still plain CommonJS: revokes sessions idle for 30 days.
const { sessions, ClerkExpressWithAuth } = require('@clerk/clerk-sdk-node');
const Clerk = require('@clerk/clerk-sdk-node/cjs/instance').default;

const clerk = new Clerk({ apiKey: process.env.CLERK_API_KEY });
const MONTH = 30 * 24 * 60 * 60 * 1000;

async function cleanup() {
  const list = await clerk.sessions.getSessionList({ status: 'active' });
  const stale = list.filter((s) => Date.now() - s.lastActiveAt > MONTH);
  await Promise.all(stale.map((s) => sessions.revokeSession(s.id)));
  return stale.length;
}

// Lets the job's status page reuse the app's auth check.
const statusAuth = ClerkExpressWithAuth({ apiKey: process.env.CLERK_API_KEY });

module.exports = { cleanup, statusAuth };
