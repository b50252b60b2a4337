// Bodies, users and requests made for one test, through the pages (as a user would) or the services.
import { expect } from 'chai';
import { QueryTypes } from 'sequelize';
import type { User } from '../../../src/modules/accounts/models.js';
import type { Entity } from '../../../src/modules/entities/models.js';
import { DeskRequest } from '../../../src/modules/desk/models.js';
import type { Actor } from '../../../src/platform/actor.js';
import { testContext } from '../../helpers/app.js';
import { createBody, createUser } from '../../helpers/factories.js';
import { loginAs, type Agent } from '../../helpers/http.js';

export type CsrfAgent = Agent & { csrf: (path?: string) => Promise<string> };

export const actorOf = (u: User): Actor => ({ userId: u.id, email: u.email, name: u.name, role: u.role, entityId: u.entityId, ip: '127.0.0.1' });

/** A fresh body with a member and an RTD, both logged in. */
export async function bodyWithUsers(): Promise<{ body: Entity; member: User; rtd: User; memberAgent: CsrfAgent; rtdAgent: CsrfAgent }> {
  const body = await createBody();
  const member = await createUser('member', body.id);
  const rtd = await createUser('rtd', body.id);
  return { body, member, rtd, memberAgent: (await loginAs(member.email)) as CsrfAgent, rtdAgent: (await loginAs(rtd.email)) as CsrfAgent };
}

/** A fresh operator of the centre, logged in (so the emails they receive are theirs only). */
export async function freshStaff(): Promise<{ user: User; agent: CsrfAgent }> {
  const user = await createUser('staff', null);
  return { user, agent: (await loginAs(user.email)) as CsrfAgent };
}

/** A small valid PDF. */
export function pdf(text = 'Documento di prova'): Buffer {
  return Buffer.from(`%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\n% ${text}\ntrailer<</Root 1 0 R>>\n%%EOF\n`, 'latin1');
}

/** A Windows executable (MZ/PE header): rejected whatever its name. */
export function executable(): Buffer {
  const b = Buffer.alloc(512);
  b.write('MZ', 0, 'latin1');
  b.writeUInt32LE(0x80, 0x3c);
  b.write('PE\0\0', 0x80, 'latin1');
  b.writeUInt16LE(0x14c, 0x84);
  return b;
}

let n = 0;
export function requestFields(overrides: Record<string, string> = {}): Record<string, string> {
  n++;
  return {
    category: 'legal',
    priority: 'normal',
    subject: `Parere su un regolamento ${Date.now().toString(36)}-${n}`,
    description: 'Ci serve un parere sul nuovo regolamento per l’uso dei servizi online.',
    ...overrides,
  };
}

/** POSTs the final step of the new-request form (multipart, CSRF token in the URL); `csrfToken` sends the form of a page already read. */
export async function postRequest(agent: CsrfAgent, fields: Record<string, string>, files: Array<{ buffer: Buffer; name: string }> = [], csrfToken?: string) {
  const token = csrfToken ?? (await agent.csrf('/richieste'));
  let req = agent.post(`/richieste`).field('_csrf', token);
  for (const [k, v] of Object.entries(fields)) req = req.field(k, v);
  for (const f of files) req = req.attach('attachments', f.buffer, f.name);
  return req;
}

/** Opens a request through the pages and returns its id. */
export async function openRequest(agent: CsrfAgent, overrides: Record<string, string> = {}, files: Array<{ buffer: Buffer; name: string }> = []): Promise<number> {
  const res = await postRequest(agent, requestFields(overrides), files);
  expect(res.status, res.text.slice(0, 2000)).to.equal(302);
  const id = Number(/\/richieste\/(\d+)$/.exec(res.headers.location)?.[1]);
  expect(id).to.be.greaterThan(0);
  return id;
}

/** POSTs a reply or note (multipart) on a request. */
export async function postMessage(agent: CsrfAgent, id: number, fields: Record<string, string>, files: Array<{ buffer: Buffer; name: string }> = []) {
  const token = await agent.csrf('/richieste');
  let req = agent.post(`/richieste/${id}/messaggi`).field('_csrf', token);
  for (const [k, v] of Object.entries(fields)) req = req.field(k, v);
  for (const f of files) req = req.attach('attachments', f.buffer, f.name);
  return req;
}

export async function post(agent: CsrfAgent, path: string, fields: Record<string, string | string[]>) {
  const token = await agent.csrf('/richieste');
  return agent.post(path).type('form').send({ _csrf: token, ...fields });
}

export async function requestRow(id: number): Promise<DeskRequest> {
  return (await DeskRequest.findByPk(id))!;
}

export async function count(sql: string, replacements: Record<string, unknown> = {}): Promise<number> {
  const { platform } = await testContext();
  const [row] = await platform.sequelize.query<{ n: string }>(sql, { replacements, type: QueryTypes.SELECT });
  return Number(row.n);
}
