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

// ---- Files in the PA digitale 2026 open-data layout ----

export const OPEN_DATA_HEADER = 'codice_ipa,ente,tipologia_ente,comune,cod_comune,provincia,cod_provincia,regione,cod_regione,importo_finanziamento,avviso,data_invio_candidatura,data_finanziamento,codice_cup,numero_finestra_temporale,numero_di_protocollo,decreto_finanziamento,stato_candidatura,data_stato_candidatura,misura';
export const OPEN_DATA_CALL = '1.3.1 Piattaforma Digitale Nazionale Dati - Comuni Ottobre 2022';

let cupSeq = 0;
/** A CUP nobody else uses (15 upper-case letters and digits). */
export function openDataCup(): string {
  cupSeq++;
  return `T${Date.now().toString(36).toUpperCase()}${cupSeq.toString(36).toUpperCase().padStart(5, '0')}`.padEnd(15, '0').slice(0, 15);
}

/** One application row of candidature_*finanziate*.csv. */
export function openDataRow(ipa: string, name: string, fields: Partial<Record<'amount' | 'cup' | 'state' | 'stateOn' | 'window' | 'submitted', string>> = {}): string {
  return [
    ipa, name, 'Comuni', 'Prova', '075035', 'LE', '075', 'Puglia', '16', fields.amount ?? '20344.0', OPEN_DATA_CALL,
    fields.submitted ?? '2022-12-29T15:35:03.000+0000', '2023-03-21', fields.cup ?? openDataCup(), fields.window ?? '2', '152',
    'Decreto n.152 - 2 / 2022 - PNRR', fields.state ?? 'A', fields.stateOn ?? '2023-03-21', '1.3.1 Piattaforma Digitale Nazionale Dati',
  ].map((c) => (/[",;]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(',');
}
