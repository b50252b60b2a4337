// Set-up shared by the working groups' tests: a group of its own per test (bodies, members), meeting
// times near now in Rome, the ICS attached to a received mail, the text of a PDF.
import { createRequire } from 'node:module';
import path from 'node:path';
import ICAL from 'ical.js';
import { DateTime } from 'luxon';
import { QueryTypes } from 'sequelize';
import { testContext } from '../../helpers/app.js';
import { createBody, createUser } from '../../helpers/factories.js';
import { csrfFrom, loginAs, type Agent } from '../../helpers/http.js';
import type { ReceivedMail } from '../../helpers/smtp.js';

/**
 * Date and times of a sitting starting about `minutes` from now (Rome), kept within one day (a sitting
 * ends on the day it starts). Late in the evening the start is drawn back so that it ends by 23:59, by a
 * little more the sooner it was asked for, so that calls with growing `minutes` keep their order (a
 * later sitting approves the earlier one's minutes) and a sitting can still be started: it stays inside
 * the two hours before its start in which it may be opened. Only when that would fall before now does it
 * move to just after midnight.
 */
export function soon(minutes = 60, length = 30): { date: string; startTime: string; endTime: string } {
  const now = DateTime.now().setZone('Europe/Rome');
  let start = now.plus({ minutes }).startOf('minute');
  const latest = start.startOf('day').set({ hour: 23, minute: 59 }).minus({ minutes: length + Math.round((300 - minutes) / 10) });
  if (start > latest) start = latest > now ? latest : now.plus({ days: 1 }).startOf('day').plus({ minutes: Math.round(minutes / 30) });
  const end = start.plus({ minutes: length });
  return { date: start.toISODate()!, startTime: start.toFormat('HH:mm'), endTime: end.toFormat('HH:mm') };
}

export async function csrf(agent: Agent, path = '/tavoli'): Promise<string> {
  return csrfFrom((await agent.get(path)).text);
}

export async function post(agent: Agent, path: string, fields: Record<string, string | string[]> = {}, from = '/tavoli') {
  return agent.post(path).type('form').send({ _csrf: await csrf(agent, from), ...fields });
}

/** Two comuni with an RTD each, the centre's staff as coordinator and a secretary, a reserved technical table. */
export async function makeGroup(visibility: 'public' | 'reserved' = 'reserved') {
  const { platform } = await testContext();
  const bodyE = await createBody({ name: `Comune di Eboli Prova ${Date.now().toString(36)}` });
  const bodyF = await createBody({ name: `Comune di Ferrandina Prova ${Date.now().toString(36)}` });
  const staffUser = await createUser('staff', null);
  const secretaryUser = await createUser('staff', null);
  const rtdE = await createUser('rtd', bodyE.id);
  const rtdF = await createUser('rtd', bodyF.id);
  const staff = await loginAs(staffUser.email);
  const res = await post(staff, '/tavoli', { name: `Tavolo tecnico RTD prova ${Date.now().toString(36)}`, kind: 'technical', visibility, purpose: 'Prova', entityIds: [String(bodyE.id), String(bodyF.id)] }, '/tavoli/nuovo');
  if (res.status !== 302) throw new Error(`group not created: ${res.status}`);
  const groupId = Number(/\/tavoli\/(\d+)$/.exec(res.headers.location)![1]);
  for (const [email, role] of [[secretaryUser.email, 'secretary'], [rtdE.email, 'referent'], [rtdF.email, 'referent']] as const) {
    const r = await post(staff, `/tavoli/${groupId}/componenti`, { email, role }, `/tavoli/${groupId}`);
    if (r.status !== 302) throw new Error(`member not added: ${r.status}`);
  }
  return { platform, groupId, bodyE, bodyF, staffUser, secretaryUser, rtdE, rtdF, staff };
}

/** A draft sitting of the group with one agenda item; returns its id. */
export async function makeMeeting(agent: Agent, groupId: number, title = 'Seduta di prova', when = soon()) {
  const res = await post(agent, `/tavoli/${groupId}/sedute`, { title, ...when, place: 'Sala consiliare' }, `/tavoli/${groupId}/sedute/nuova`);
  if (res.status !== 302) throw new Error(`meeting not created: ${res.status} ${res.text.slice(0, 300)}`);
  const id = Number(/\/tavoli\/sedute\/(\d+)/.exec(res.headers.location)![1]);
  await post(agent, `/tavoli/sedute/${id}/punti`, { title: 'Adesione alla PDND', presenter: 'Il coordinatore' }, `/tavoli/sedute/${id}`);
  return id;
}

export async function meetingState(id: number): Promise<{ state: string; minutes_state: string }> {
  const { platform } = await testContext();
  const [row] = await platform.sequelize.query<{ state: string; minutes_state: string }>('SELECT state, minutes_state FROM groups_meetings WHERE id = :id', { replacements: { id }, type: QueryTypes.SELECT });
  return row;
}

/** The calendar attached to a mail, parsed by ical.js. */
export function icsOf(mail: ReceivedMail) {
  const att = mail.parsed.attachments.find((a) => /calendar/.test(a.contentType));
  if (!att) throw new Error('no calendar attachment');
  const comp = new ICAL.Component(ICAL.parse(att.content.toString('utf8')));
  return { comp, event: new ICAL.Event(comp.getFirstSubcomponent('vevent')!), contentType: att.contentType };
}

/** The RSVP link in a convocation mail. */
export function rsvpLink(mail: ReceivedMail): string {
  const m = /\/tavoli\/invito\/([A-Za-z0-9_-]{20,100})/.exec(mail.text);
  if (!m) throw new Error('no answer link in the mail');
  return `/tavoli/invito/${m[1]}`;
}

/** The text of a PDF, page by page, read with pdf.js. */
export async function pdfText(buffer: Buffer): Promise<string> {
  const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const doc = await pdfjs.getDocument({ data: new Uint8Array(buffer), useSystemFonts: false, isEvalSupported: false, standardFontDataUrl: `${path.join(path.dirname(createRequire(import.meta.url).resolve('pdfjs-dist/package.json')), 'standard_fonts')}/` }).promise;
  const parts: string[] = [];
  for (let i = 1; i <= doc.numPages; i++) {
    const content = await (await doc.getPage(i)).getTextContent();
    parts.push(content.items.map((it) => ('str' in it ? it.str : '')).join(' '));
  }
  return parts.join('\n');
}

export const binary = (res: { on: (e: string, cb: (c?: Buffer) => void) => void }, cb: (err: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  res.on('data', (c) => chunks.push(c!));
  res.on('end', () => cb(null, Buffer.concat(chunks)));
};
