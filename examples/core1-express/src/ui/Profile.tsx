// Browser code built with Clerk's React SDK (not installed in this server
// project, so tsconfig.json excludes this folder from compilation).
import { useOrganization, useUser } from '@clerk/clerk-react';
import { useState } from 'react';

export function Profile() {
  const { user } = useUser();
  const { organization } = useOrganization();
  const [password, setPassword] = useState('');

  const loadMembers = (page: number) =>
    organization?.getMemberships({ limit: 20, offset: page * 20 });

  return (
    <section>
      <img src={user?.profileImageUrl} alt="" />
      <img src={organization?.logoUrl} alt="" />
      <input type="password" value={password} onChange={(e) => setPassword(e.target.value)} />
      <button onClick={() => user?.update({ password })}>Change password</button>
      <button onClick={() => loadMembers(1)}>More members</button>
    </section>
  );
}
