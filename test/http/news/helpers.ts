// Posts made for one test, and the helpers the news tests share.
import { QueryTypes } from 'sequelize';
import { savePost } from '../../../src/modules/news/service.js';
import type { Actor } from '../../../src/platform/actor.js';
import { testContext } from '../../helpers/app.js';
import { findPersonByEmail } from '../../../src/modules/accounts/index.js';

let counter = 0;

/** A word of letters only, unique to one test, to find its rows on shared pages. */
export const uniqueWord = (prefix = 'Notizia') => `${prefix}${Date.now().toString(36)}${(counter++).toString(36)}`.replace(/[0-9]/g, (d) => 'abcdefghij'[Number(d)]);

export async function staffActor(): Promise<Actor> {
  const u = (await findPersonByEmail('staff@cithub.example'))!;
  return { userId: u.id, email: u.email, name: u.name, role: u.role, entityId: u.entityId, ip: '127.0.0.1' };
}

export function postFields(overrides: Record<string, string> = {}): Record<string, string> {
  return { title: `Notizia ${uniqueWord()}`, summary: 'Un sommario di prova.', body: 'Il testo **di prova**.', tags: 'prova', imageAlt: '', linkKind: '', linkPath: '', publishOn: '', publishTime: '', intent: 'publish', ...overrides };
}

export async function makePost(overrides: Record<string, string> = {}) {
  const { platform } = await testContext();
  return savePost(platform, await staffActor(), null, postFields(overrides), null);
}

export async function postRow(where: string, replacements: Record<string, unknown>) {
  const { platform } = await testContext();
  return platform.sequelize.query<{ id: number; state: string; body_html: string; title: string; image_file_id: string | null }>(`SELECT id, state, body_html, title, image_file_id FROM news_posts WHERE ${where}`, { replacements, type: QueryTypes.SELECT });
}

/** A 1×1 PNG. */
export const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

/** A minimal PDF (a type the uploads allow, but not an image). */
export const PDF = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n');
