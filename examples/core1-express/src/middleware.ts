import {
  ClerkExpressRequireAuth,
  clerkClient,
  createClerkExpressRequireAuth,
  createClerkExpressWithAuth,
} from '@clerk/clerk-sdk-node';
import type { LooseAuthProp } from '@clerk/clerk-sdk-node';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request extends LooseAuthProp {}
  }
}

// Routes under /api require a signed-in user.
export const requireAuth = ClerkExpressRequireAuth();

// The admin area uses the same instance but is configured explicitly.
export const requireAdmin = createClerkExpressRequireAuth({
  clerkClient,
  apiKey: process.env.CLERK_API_KEY,
  frontendApi: process.env.CLERK_FRONTEND_API,
})();

// Public pages only want to know who is signed in, if anyone.
export const withAuth = createClerkExpressWithAuth({ clerkClient })();
