import { Router } from 'express';
import { clerkClient } from '@clerk/clerk-sdk-node';
import { requireAuth } from '../middleware';

export const usersRouter = Router();

usersRouter.get('/', requireAuth, async (req, res) => {
  const limit = Number(req.query.limit ?? 20);
  const offset = Number(req.query.offset ?? 0);
  const users = await clerkClient.users.getUserList({ limit, offset, orderBy: '-created_at' });
  res.json(
    users.map((user) => ({
      id: user.id,
      name: [user.firstName, user.lastName].filter(Boolean).join(' '),
      avatar: user.profileImageUrl,
    })),
  );
});

usersRouter.get('/me', requireAuth, async (req, res) => {
  const user = await clerkClient.users.getUser(req.auth.userId!);
  const { profileImageUrl, externalAccounts } = user;
  const providers = externalAccounts.map((account) => ({
    provider: account.provider,
    picture: account.picture,
  }));
  const orgs = req.auth.claims?.orgs ?? {};
  res.json({ id: user.id, profileImageUrl, providers, orgs });
});

usersRouter.post('/:id/password', requireAuth, async (req, res) => {
  // The backend API still takes `password` in v5.
  await clerkClient.users.updateUser(req.params.id, { password: String(req.body.password) });
  res.sendStatus(204);
});
