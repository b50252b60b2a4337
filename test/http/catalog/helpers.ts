// Shared helpers of the catalogue's HTTP tests: fixtures with unique repository urls, imports
// through the real pages, and small readers of the rendered HTML.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { Asset } from '../../../src/modules/catalog/models.js';
import { Entity } from '../../../src/modules/entities/models.js';
import { createBody, createUser } from '../../helpers/factories.js';
import { loginAs, type Agent } from '../../helpers/http.js';

export type LoggedAgent = Awaited<ReturnType<typeof loginAs>>;

export const FIXTURES = fileURLToPath(new URL('../../fixtures/catalog/', import.meta.url));

export function fixture(name: string): Buffer {
  return readFileSync(`${FIXTURES}${name}`);
}

let counter = 0;
/** A fixture whose repository url (and name) are made unique, so each test owns its asset. */
export function uniqueFixture(name: string, opts: { ipa?: string } = {}): { text: string; url: string; name: string } {
  const suffix = `${Date.now().toString(36)}-${(counter++).toString(36)}`;
  let text = fixture(name).toString('utf8');
  const url = text.match(/^url: (\S+)$/m)![1];
  const unique = `${url}-${suffix}`;
  text = text.replace(/^url: \S+$/m, `url: ${unique}`);
  const originalName = text.match(/^name: (.+)$/m)![1];
  const newName = `${originalName} ${suffix}`;
  text = text.replace(/^name: .+$/m, `name: ${newName}`);
  if (opts.ipa) text = text.replace(/urn:x-italian-pa:[a-z0-9_]+/g, `urn:x-italian-pa:${opts.ipa}`).replace(/codiceIPA: \S+/g, `codiceIPA: ${opts.ipa}`);
  return { text, url: unique, name: newName };
}

export async function csrfOf(agent: Agent, path: string): Promise<string> {
  const res = await agent.get(path);
  const m = res.text.match(/name="_csrf" value="([^"]+)"/);
  if (!m) throw new Error(`no CSRF token in ${path} (${res.status})`);
  return decodeURIComponent(m[1]);
}

/** Pastes a publiccode.yml on the import page; returns the response (a redirect to the preview when accepted). */
export async function pasteImport(agent: Agent, text: string, fields: Record<string, string> = {}) {
  const token = await csrfOf(agent, '/catalogo/importa');
  let req = agent.post(`/catalogo/importa`).field('_csrf', token).field('source', 'paste').field('content', text);
  for (const [k, v] of Object.entries(fields)) req = req.field(k, v);
  return req;
}

export async function uploadImport(agent: Agent, content: Buffer, filename = 'publiccode.yml', fields: Record<string, string> = {}) {
  const token = await csrfOf(agent, '/catalogo/importa');
  let req = agent.post(`/catalogo/importa`).field('_csrf', token).field('source', 'upload');
  for (const [k, v] of Object.entries(fields)) req = req.field(k, v);
  return req.attach('file', content, filename);
}

/** Imports through upload or paste, preview and confirmation; returns the saved asset. */
export async function importAndConfirm(agent: Agent, text: string, action: 'draft' | 'submit' | 'publish', fields: Record<string, string> = {}): Promise<Asset> {
  const res = await pasteImport(agent, text, fields);
  expect(res.status, res.text.slice(0, 2000)).to.equal(302);
  const preview = res.headers.location as string;
  expect(preview).to.match(/^\/catalogo\/importa\/[0-9a-f-]{36}$/);
  const token = await csrfOf(agent, preview);
  const done = await agent.post(preview).type('form').send({ _csrf: token, action, kind: 'software' });
  expect(done.status, done.text.slice(0, 3000)).to.equal(302);
  const slug = (done.headers.location as string).replace('/catalogo/', '');
  const asset = await Asset.findOne({ where: { slug } });
  expect(asset, `asset ${slug}`).to.not.equal(null);
  return asset!;
}

/** A cedent body with a member, ready to propose assets. */
export async function cedentWithUser(role: 'member' | 'rtd' | 'referent' = 'member') {
  const body = await createBody({ isCedent: true });
  const user = await createUser(role, body.id);
  return { body, user, agent: await loginAs(user.email) };
}

export async function bodyUser(role: 'member' | 'rtd' | 'referent' = 'rtd', opts: { isCedent?: boolean } = {}) {
  const body = await createBody({ isCedent: opts.isCedent ?? false });
  const user = await createUser(role, body.id);
  return { body, user, agent: await loginAs(user.email) };
}

export async function russi(): Promise<Entity> {
  return (await Entity.findOne({ where: { ipaCode: 'c_h642' } }))!;
}

/** Text content of the page with tags removed, entities decoded (for "shown as text" checks). */
export function visibleText(html: string): string {
  return html
    .replace(/<script[\s\S]*?<\/script>/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&#39;/g, "'")
    .replace(/&#34;/g, '"')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');
}
