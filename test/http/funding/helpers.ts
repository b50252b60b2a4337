// Calls and projects made for one test through the services (as staff would through the pages).
import { User } from '../../../src/modules/accounts/models.js';
import { createCall, createProject } from '../../../src/modules/funding/service.js';
import { addDays, todayInRome } from '../../../src/modules/tenders/index.js';
import type { Actor } from '../../../src/platform/actor.js';
import { testContext } from '../../helpers/app.js';

export { addDays, todayInRome };

let counter = 0;

export async function staffActor(): Promise<Actor> {
  const u = (await User.findOne({ where: { email: 'staff@cithub.example' } }))!;
  return { userId: u.id, email: u.email, name: u.name, role: u.role, entityId: u.entityId, ip: '127.0.0.1' };
}

export function callFields(overrides: Record<string, string | string[]> = {}): Record<string, string | string[]> {
  counter++;
  return {
    source: 'regional',
    measure: '',
    title: `Bando regionale di prova ${Date.now().toString(36)}-${counter}`,
    eligibleKinds: ['comune', 'unione'],
    opensOn: addDays(todayInRome(), -5),
    closesOn: addDays(todayInRome(), 40),
    budget: '2.000.000',
    amountRule: 'percent',
    amountFixed: '',
    amountPercent: '70',
    amountCap: '40.000',
    firstCome: 'on',
    url: '',
    ...overrides,
  };
}

export async function makeCall(overrides: Record<string, string | string[]> = {}) {
  const { platform } = await testContext();
  return createCall(platform, await staffActor(), callFields(overrides));
}

export async function makeProject(entityId: number, callId: number, overrides: Record<string, string> = {}) {
  const { platform } = await testContext();
  return createProject(platform, await staffActor(), { entityId: String(entityId), callId: String(callId), amount: '10.000', state: 'funded', fundedOn: addDays(todayInRome(), -170), ...overrides });
}
