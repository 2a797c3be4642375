// The shared Clerk client, configured once at start-up.
import {
  clerkClient,
  setClerkApiKey,
  setClerkApiVersion,
  setClerkHttpOptions,
  setClerkServerApiUrl,
} from '@clerk/clerk-sdk-node';

setClerkApiKey(process.env.CLERK_API_KEY ?? '');
setClerkApiVersion('v1');
setClerkServerApiUrl('https://api.clerk.dev');
setClerkHttpOptions({ keepalive: true });

export { clerkClient };
