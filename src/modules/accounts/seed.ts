// Demo accounts, all with the password `cithub-demo`.
import type { Platform } from '../../platform/context.js';
import { findBodyByIpa, setBodyRtd } from '../entities/index.js';
import { User } from './models.js';
import { hashPassword } from './passwords.js';

export const DEMO_PASSWORD = 'cithub-demo';

export async function seedAccounts(platform: Platform): Promise<void> {
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const byIpa = async (ipa: string) => (await findBodyByIpa(ipa))!;
  const lecce = await byIpa('c_e506');
  const russi = await byIpa('c_h642');
  const potenza = await byIpa('c_g942');
  // Otranto is invited to the demo's open needs collection (cloud migration) and has not answered yet.
  const otranto = await byIpa('c_g188');
  const accounts = [
    { email: 'admin@cithub.example', name: 'Angela Carrozzo', role: 'admin' as const, entityId: lecce.id },
    { email: 'staff@cithub.example', name: 'Marco Quarta', role: 'staff' as const, entityId: lecce.id },
    { email: 'rtd@russi.cithub.example', name: 'Giulia Bertoni', role: 'rtd' as const, entityId: russi.id },
    { email: 'utente@russi.cithub.example', name: 'Paolo Montanari', role: 'member' as const, entityId: russi.id },
    { email: 'rtd@potenza.cithub.example', name: 'Rocco Lorusso', role: 'rtd' as const, entityId: potenza.id },
    { email: 'rtd@otranto.cithub.example', name: 'Anna Pellegrino', role: 'rtd' as const, entityId: otranto.id },
  ];
  await platform.sequelize.transaction(async (transaction) => {
    for (const a of accounts) {
      const [user] = await User.findOrCreate({
        where: { email: a.email },
        defaults: { ...a, passwordHash, status: 'active', lastLoginAt: null },
        transaction,
      });
      if (a.role === 'rtd') await setBodyRtd(a.entityId, user.id, { transaction });
    }
  });
}
