import 'dotenv/config';
import './clerk';
import express from 'express';
import { usersRouter } from './routes/users';
import { orgsRouter } from './routes/organizations';
import { tokensRouter } from './routes/tokens';

if (!process.env.CLERK_API_KEY || !process.env.CLERK_FRONTEND_API) {
  throw new Error('Set CLERK_API_KEY and CLERK_FRONTEND_API (see .env)');
}

const app = express();
app.use(express.json());
app.use('/api/users', usersRouter);
app.use('/api/orgs', orgsRouter);
app.use('/api/tokens', tokensRouter);

const port = Number(process.env.PORT ?? 3000);
app.listen(port, () => console.log(`listening on ${port}`));
