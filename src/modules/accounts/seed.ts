// Demo accounts, all with the password `cithub-demo`.
import type { Platform } from '../../platform/context.js';
import { Entity } from '../entities/models.js';
import { User } from './models.js';
import { hashPassword } from './service.js';

export const DEMO_PASSWORD = 'cithub-demo';

export async function seedAccounts(platform: Platform): Promise<void> {
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const byIpa = async (ipa: string) => (await Entity.findOne({ where: { ipaCode: ipa } }))!;
  const lecce = await byIpa('c_e506');
  const russi = await byIpa('c_h642');
  const potenza = await byIpa('c_g942');
  const accounts = [
    { email: 'admin@cithub.example', name: 'Angela Carrozzo', role: 'admin' as const, entityId: lecce.id },
    { email: 'staff@cithub.example', name: 'Marco Quarta', role: 'staff' as const, entityId: lecce.id },
    { email: 'rtd@russi.cithub.example', name: 'Giulia Bertoni', role: 'rtd' as const, entityId: russi.id },
    { email: 'utente@russi.cithub.example', name: 'Paolo Montanari', role: 'member' as const, entityId: russi.id },
    { email: 'rtd@potenza.cithub.example', name: 'Rocco Lorusso', role: 'rtd' as const, entityId: potenza.id },
  ];
  await platform.sequelize.transaction(async (transaction) => {
    for (const a of accounts) {
      const [user] = await User.findOrCreate({
        where: { email: a.email },
        defaults: { ...a, passwordHash, status: 'active', lastLoginAt: null },
        transaction,
      });
      if (a.role === 'rtd') await Entity.update({ rtdUserId: user.id }, { where: { id: a.entityId }, transaction });
    }
  });
}
