// A second client for the admin instance, which has its own key.
import { createClerkClient } from '@clerk/clerk-sdk-node';
import Clerk from '@clerk/clerk-sdk-node/esm/instance';

const adminOptions = {
  apiKey: process.env.ADMIN_CLERK_API_KEY,
  apiVersion: 'v1',
};

export const adminClient = createClerkClient(adminOptions);

// Older code paths still build their client through the instance entry point.
export const legacyClient = Clerk({ apiKey: process.env.ADMIN_CLERK_API_KEY });
