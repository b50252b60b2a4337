// Bodies, people and funding rows made for one coaching test, and small readers of its pages.
import { QueryTypes } from 'sequelize';
import { testContext } from '../../helpers/app.js';
import { createBody, createUser } from '../../helpers/factories.js';
import { loginAs } from '../../helpers/http.js';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { saveAnswers, startAssessment, submitAssessment } from '../../../src/modules/coaching/assessments.js';
import { importOpenData } from '../../../src/modules/funding/index.js';

export async function bodyWithPeople(population = 12_000) {
  const body = await createBody({ population });
  const rtdUser = await createUser('rtd', body.id);
  const memberUser = await createUser('member', body.id);
  return { body, rtdUser, memberUser, rtd: await loginAs(rtdUser.email), member: await loginAs(memberUser.email) };
}

export const staffAgent = () => loginAs('staff@cithub.example');

export const HEADER = 'codice_ipa,ente,tipologia_ente,comune,cod_comune,provincia,cod_provincia,regione,cod_regione,importo_finanziamento,avviso,data_invio_candidatura,data_finanziamento,codice_cup,numero_finestra_temporale,numero_di_protocollo,decreto_finanziamento,stato_candidatura,data_stato_candidatura,misura';

/**
 * Funded applications of the body as the PA digitale 2026 open data lists them, imported through the
 * funding area's importer (a file in the shared layout, calls already loaded from avvisi.csv).
 */
/** One line of a candidature_*finanziate*.csv file in the shared layout. */
export function applicationLine(ipaCode: string, name: string, r: { call: string; state: string; stateOn: string; cup: string }, i: number): string {
  return [ipaCode, name, 'Comuni', 'Prova', '000000', 'LE', '075', 'Puglia', '16', '20344.0', r.call, '2022-12-29T15:35:03.000+0000', '2023-03-21', r.cup, '2', String(100 + i), 'Decreto n.152 - 2 / 2022 - PNRR', r.state, r.stateOn, r.call.split(' - ')[0]]
    .map((c) => (c.includes(',') ? `"${c}"` : c))
    .join(',');
}

export async function importApplications(ipaCode: string, name: string, rows: Array<{ call: string; state: 'A' | 'E' | 'R'; stateOn: string; cup: string }>) {
  const { platform } = await testContext();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'coaching-pad26-'));
  const file = path.join(dir, 'candidature_comuni_finanziate_test.csv');
  writeFileSync(file, [HEADER, ...rows.map((r, i) => applicationLine(ipaCode, name, r, i))].join('\n') + '\n');
  return importOpenData(platform, [file]);
}

export async function sql<T extends object>(query: string, replacements: Record<string, unknown> = {}): Promise<T[]> {
  const { platform } = await testContext();
  return platform.sequelize.query<T>(query, { replacements, type: QueryTypes.SELECT });
}

export async function questionIds(assessmentId: number): Promise<Array<{ question_id: number; code: string; proposed: boolean; answer: string | null }>> {
  return sql(`SELECT x.question_id, q.code, x.proposed, x.answer FROM coaching_answers x JOIN coaching_questions q ON q.id = x.question_id WHERE x.assessment_id = :id ORDER BY q.id`, { id: assessmentId });
}

export const idFrom = (location: string | undefined, pattern: RegExp): number => Number(pattern.exec(location ?? '')?.[1]);

/** A body of the population band with a submitted assessment, made through the services as its RTD would. */
export async function peerWithAssessment(population: number, answerOf: (code: string) => 'yes' | 'partly' | 'no' | 'na', overrides: { provinceCode?: string; name?: string } = {}) {
  const { platform } = await testContext();
  const body = await createBody({ population, ...overrides });
  const rtd = await createUser('rtd', body.id);
  const actor = { userId: rtd.id, email: rtd.email, name: rtd.name, role: 'rtd' as const, entityId: body.id, ip: null };
  const id = await startAssessment(platform, actor, body.id, {});
  const qs = await questionIds(id);
  await saveAnswers(platform, actor, body.id, id, Object.fromEntries(qs.flatMap((q) => [[`answer_${q.question_id}`, answerOf(q.code)], [`confirm_${q.question_id}`, 'on']])));
  await submitAssessment(platform, actor, body.id, id);
  return { body, id, actor };
}

/** The real rows of one body from the shared PA digitale 2026 files (avvisi.csv whole, its applications only), in a folder of their own. */
export function sharedRowsOf(ipaCode: string, sharedDir: string): string[] {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'coaching-shared-'));
  const files: string[] = [];
  for (const name of readdirSync(sharedDir)) {
    const full = path.join(sharedDir, name);
    if (name === 'avvisi.csv') {
      writeFileSync(path.join(dir, name), readFileSync(full));
      files.push(path.join(dir, name));
    } else if (/^candidature_.*finanziate.*\.csv$/.test(name)) {
      const lines = readFileSync(full, 'utf8').split('\n');
      const mine = lines.filter((l, i) => i === 0 || l.toLowerCase().startsWith(`${ipaCode.toLowerCase()},`));
      writeFileSync(path.join(dir, name), mine.join('\n') + '\n');
      files.push(path.join(dir, name));
    }
  }
  return files;
}
