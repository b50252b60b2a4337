// Bodies and users made for one test, with unique codes and emails, so tests never share state by accident.
import { hashPassword } from '../../src/modules/accounts/service.js';
import { User } from '../../src/modules/accounts/models.js';
import { Entity, type EntityKind } from '../../src/modules/entities/models.js';
import type { Role } from '../../src/platform/actor.js';
import { testContext } from './app.js';
import { DEMO_PASSWORD } from './http.js';

let counter = 0;
const unique = () => `${Date.now().toString(36)}${(counter++).toString(36)}`;

export async function createBody(overrides: Partial<{ name: string; kind: EntityKind; isCedent: boolean; provinceCode: string; population: number; membershipStatus: 'active' | 'prospect' }> = {}) {
  await testContext();
  const u = unique();
  return Entity.create({
    ipaCode: `t_${u}`.slice(0, 20),
    name: overrides.name ?? `Comune di Prova ${u}`,
    kind: overrides.kind ?? 'comune',
    provinceCode: overrides.provinceCode ?? 'LE',
    region: 'Puglia',
    population: overrides.population ?? 3000,
    membershipStatus: overrides.membershipStatus ?? 'active',
    isCedent: overrides.isCedent ?? false,
    fiscalCode: null,
    istatCode: null,
    joinedOn: '2025-01-01',
    conventionExpiresOn: null,
    rtdUserId: null,
    email: null,
    website: null,
  });
}

let passwordHash: Promise<string> | null = null;

export async function createUser(role: Role, entityId: number | null, overrides: Partial<{ email: string; name: string }> = {}) {
  await testContext();
  passwordHash ??= hashPassword(DEMO_PASSWORD);
  const u = unique();
  return User.create({
    email: overrides.email ?? `${role}.${u}@test.cithub.example`,
    name: overrides.name ?? `Utente ${role} ${u}`,
    role,
    entityId,
    passwordHash: await passwordHash,
    status: 'active',
    lastLoginAt: null,
  });
}
