import { Router } from 'express';
import { decodeJwt } from '@clerk/clerk-sdk-node';
import { withAuth } from '../middleware';

export const tokensRouter = Router();

// Debugging aid: shows what the session token carries.
tokensRouter.get('/debug', withAuth, (req, res) => {
  const token = (req.headers.authorization ?? '').replace(/^Bearer /, '');
  const { payload } = decodeJwt(token);
  res.json({ sub: payload.sub, claims: req.auth.claims });
});
