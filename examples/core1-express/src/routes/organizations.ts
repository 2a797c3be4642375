import { Router } from 'express';
import { organizations, users } from '@clerk/clerk-sdk-node';
import { requireAuth } from '../middleware';

export const orgsRouter = Router();

orgsRouter.get('/:id', requireAuth, async (req, res) => {
  const org = await organizations.getOrganization({ organizationId: req.params.id });
  const members = await organizations.getOrganizationMembershipList({ organizationId: org.id, limit: 100 });
  res.json({
    name: org.name,
    logo: org.logoUrl,
    members: members.map((m) => ({
      role: m.role,
      image: m.publicUserData?.profileImageUrl,
    })),
  });
});

orgsRouter.get('/', requireAuth, async (req, res) => {
  const memberships = await users.getOrganizationMembershipList({ userId: req.auth.userId! });
  const invitations = (await organizations.getOrganizationInvitationList({ organizationId: String(req.query.org) })).length;
  res.json({ count: memberships.length, invitations });
});
