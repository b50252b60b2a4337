// Dossiers made for one test through the services (as staff would through the pages), so tests
// never depend on the demo dossiers, which the browser test moves along.
import { User } from '../../../src/modules/accounts/models.js';
import { addDocument } from '../../../src/modules/tenders/documents.js';
import { Dossier } from '../../../src/modules/tenders/models.js';
import { openOrUpdateCall } from '../../../src/modules/tenders/needs.js';
import { addLot, addMilestone, addParticipant, createDossier } from '../../../src/modules/tenders/service.js';
import { demoP7m, demoPdf } from '../../../src/modules/tenders/demo-files.js';
import { addDays, todayInRome } from '../../../src/modules/tenders/dates.js';
import type { Actor } from '../../../src/platform/actor.js';
import { testContext } from '../../helpers/app.js';
import { createBody, createUser } from '../../helpers/factories.js';
import { loginAs } from '../../helpers/http.js';

export { addDays, todayInRome, demoPdf, demoP7m };

let counter = 0;

export async function staffActor(): Promise<Actor> {
  const u = (await User.findOne({ where: { email: 'staff@cithub.example' } }))!;
  return { userId: u.id, email: u.email, name: u.name, role: u.role, entityId: u.entityId, ip: '127.0.0.1' };
}

export function dossierFields(overrides: Record<string, string> = {}): Record<string, string> {
  counter++;
  return {
    title: `Gara di prova ${Date.now().toString(36)}-${counter}`,
    object: 'Servizi di assistenza applicativa per i comuni aderenti.',
    category: 'services',
    cpv: '72000000-5',
    procedure: 'procedura_aperta',
    estimatedValue: '250.000,00',
    funding: 'none',
    cup: '',
    pnrrMeasure: '',
    fundingNote: '',
    ...overrides,
  };
}

/** A unique CIG (10 upper-case alphanumerics) for lots of test dossiers. */
export function uniqueCig(): string {
  counter++;
  return `T${(Date.now() % 1e7).toString(36).toUpperCase()}${counter.toString(36).toUpperCase()}`.padEnd(10, 'X').slice(0, 10);
}

export async function makeDossier(overrides: Record<string, string> = {}): Promise<Dossier> {
  const { platform } = await testContext();
  const actor = await staffActor();
  const { dossier } = await createDossier(platform, actor, { ...dossierFields(overrides), rupUserId: String(actor.userId), isPublic: overrides.isPublic ?? '' });
  return dossier;
}

/** Two bodies, each with an RTD signed in, both taking part in a new dossier. */
export async function dossierWithTwoBodies(overrides: Record<string, string> = {}) {
  const { platform } = await testContext();
  const actor = await staffActor();
  const dossier = await makeDossier(overrides);
  const bodyA = await createBody();
  const bodyB = await createBody();
  const rtdA = await createUser('rtd', bodyA.id);
  const rtdB = await createUser('rtd', bodyB.id);
  await addParticipant(platform, actor, dossier.id, { entityId: String(bodyA.id), status: 'joined', share: '100.000' });
  await addParticipant(platform, actor, dossier.id, { entityId: String(bodyB.id), status: 'joined', share: '150.000' });
  return { dossier, bodyA, bodyB, rtdA, rtdB, agentA: await loginAs(rtdA.email), agentB: await loginAs(rtdB.email) };
}

export async function uploadDoc(dossierId: number, type: string, title: string, visibility: string, buffer: Buffer = demoPdf(title), name = 'documento.pdf') {
  const { platform } = await testContext();
  return addDocument(platform, await staffActor(), dossierId, { type, title, visibility }, { buffer, originalName: name });
}

export async function openCall(dossierId: number, entityIds: number[], deadlineOn = addDays(todayInRome(), 20)) {
  const { platform } = await testContext();
  return openOrUpdateCall(platform, await staffActor(), dossierId, {
    deadlineOn,
    instructions: 'Indicate le postazioni e il budget.',
    invite: 'chosen',
    entityIds: entityIds.map(String),
    itemId: ['', ''],
    itemLabel: ['Postazioni di lavoro', 'Budget disponibile'],
    itemUnit: ['postazioni', ''],
    itemMeasure: ['quantity', 'amount'],
    itemDescription: ['', ''],
  });
}

export async function lot(dossierId: number, number: number, cig: string | null = null, value = '100.000') {
  const { platform } = await testContext();
  return addLot(platform, await staffActor(), dossierId, { number: String(number), title: `Lotto ${number}`, cig: cig ?? '', value });
}

export async function milestone(dossierId: number, kind: string, dueOn: string, dueTime = '') {
  const { platform } = await testContext();
  const actor = await staffActor();
  return addMilestone(platform, actor, dossierId, { kind, title: '', dueOn, dueTime, ownerUserId: String(actor.userId), note: '' });
}
