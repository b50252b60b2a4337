// The bodies as other areas see them: plain values, read by id, by IPA code or in bulk. No other area
// imports the Entity model; they call these (through ./index.ts) or join the shared `entities` table in SQL.
import { Op, QueryTypes, type Transaction } from 'sequelize';
import { DataCache } from '../../platform/cache.js';
import { hot } from '../../platform/prepared.js';
import { escapeLike } from '../../platform/sql.js';
import { Entity, type EntityKind, type MembershipStatus } from './models.js';

export type Body = {
  id: number;
  ipaCode: string;
  name: string;
  fiscalCode: string | null;
  istatCode: string | null;
  kind: EntityKind;
  provinceCode: string | null;
  region: string | null;
  population: number | null;
  membershipStatus: MembershipStatus;
  joinedOn: string | null;
  conventionExpiresOn: string | null;
  isLead: boolean;
  isCedent: boolean;
  rtdUserId: number | null;
  email: string | null;
  website: string | null;
};

export type BodyOption = { id: number; name: string; ipaCode: string; isCedent: boolean };

type Options = { transaction?: Transaction };

const FIELDS = ['id', 'ipaCode', 'name', 'fiscalCode', 'istatCode', 'kind', 'provinceCode', 'region', 'population', 'membershipStatus', 'joinedOn', 'conventionExpiresOn', 'isLead', 'isCedent', 'rtdUserId', 'email', 'website'] as const;

const plain = (e: Entity): Body => Object.fromEntries(FIELDS.map((f) => [f, e.get(f)])) as Body;

// A body by id is read on most signed-in pages (the viewer's own, a request's, an asset's cedent):
// kept per id under the bodies' version (DESIGN.md §6), so it costs the version read that the page's
// other caches share instead of a statement of its own. Inside a transaction it is read there.
const byId = new DataCache<{ body: Body | null }>({ name: 'bodies-by-id', tables: ['entities'], max: 5000, ttlMs: 10 * 60_000 });

async function readBody(id: number, transaction?: Transaction): Promise<Body | null> {
  const e = await Entity.findByPk(id, { attributes: [...FIELDS], transaction });
  return e ? plain(e) : null;
}

export async function findBody(id: number | null | undefined, opts: Options = {}): Promise<Body | null> {
  if (!id) return null;
  if (opts.transaction) return readBody(id, opts.transaction);
  const { body } = await byId.fetch(Entity.sequelize!, String(id), async () => ({ body: await readBody(id) }));
  // A copy: the kept one is shared by every caller.
  return body ? { ...body } : null;
}

/** The bodies with these ids that exist, in no particular order. */
export async function findBodies(ids: readonly number[], opts: Options = {}): Promise<Body[]> {
  const unique = [...new Set(ids)];
  if (!unique.length) return [];
  return (await Entity.findAll({ attributes: [...FIELDS], where: { id: { [Op.in]: unique } }, transaction: opts.transaction })).map(plain);
}

const NAME = hot('SELECT name FROM entities WHERE id = $1');

/** A body's name (in every desk mail): from the bodies kept per id, or inside a transaction a prepared statement of one column. */
export async function bodyName(id: number | null | undefined, opts: Options = {}): Promise<string | null> {
  if (!id) return null;
  // Outside a transaction, from the bodies kept per id.
  if (!opts.transaction) return (await findBody(id))?.name ?? null;
  const [row] = await Entity.sequelize!.query<{ name: string }>(NAME, { bind: [id], type: QueryTypes.SELECT, transaction: opts.transaction });
  return row?.name ?? null;
}

/** id → name of the bodies with these ids. */
export async function bodyNames(ids: readonly number[], opts: Options = {}): Promise<Map<number, string>> {
  return new Map((await findBodies(ids, opts)).map((b) => [b.id, b.name]));
}

/** By codice IPA, whatever its case (IndicePA writes them in lower case, files sometimes do not). */
export async function findBodyByIpa(ipaCode: string | null | undefined, opts: Options = {}): Promise<Body | null> {
  if (typeof ipaCode !== 'string' || !ipaCode.trim()) return null;
  const e = await Entity.findOne({ attributes: [...FIELDS], where: { ipaCode: ipaCode.trim().toLowerCase() }, transaction: opts.transaction });
  return e ? plain(e) : null;
}

/** Every body by IPA code (demo data and imports). */
export async function bodiesByIpa(opts: Options = {}): Promise<Map<string, Body>> {
  return new Map((await Entity.findAll({ attributes: [...FIELDS], transaction: opts.transaction })).map((e) => [e.ipaCode, plain(e)]));
}

/** Every body for a select, by name. */
export async function bodyOptions(opts: Options & { limit?: number } = {}): Promise<BodyOption[]> {
  return Entity.findAll({ attributes: ['id', 'name', 'ipaCode', 'isCedent'], order: [['name', 'ASC'], ['id', 'ASC']], limit: opts.limit, transaction: opts.transaction, raw: true });
}

/** The adhering bodies (membership active), by province then name. */
export async function activeBodies(opts: Options = {}): Promise<Body[]> {
  return (await Entity.findAll({ attributes: [...FIELDS], where: { membershipStatus: 'active' }, order: [['provinceCode', 'ASC'], ['name', 'ASC']], transaction: opts.transaction })).map(plain);
}

export async function countActiveBodies(): Promise<number> {
  return Entity.count({ where: { membershipStatus: 'active' } });
}

/** The lead body (ente capofila) of the centre, if one is marked. */
export async function leadBody(opts: Options = {}): Promise<Body | null> {
  const e = await Entity.findOne({ attributes: [...FIELDS], where: { isLead: true }, order: [['id', 'ASC']], transaction: opts.transaction });
  return e ? plain(e) : null;
}

/** Records the body's RTD (the accounts area names them when it creates the user). */
export async function setBodyRtd(entityId: number, userId: number | null, opts: Options = {}): Promise<void> {
  await Entity.update({ rtdUserId: userId }, { where: { id: entityId }, transaction: opts.transaction });
}

// A body typed in a filter: an exact codice IPA or name, a name that contains the text, or a codice
// IPA that begins with it (`exact` says which). One condition for the suggestions and the filter.
const TYPED = 'lower(name) LIKE :like OR ipa_code LIKE :prefix';
const typed = (t: string) => ({ t, like: `%${escapeLike(t)}%`, prefix: `${escapeLike(t)}%` });

/**
 * The bodies a typed text names, for the type-ahead of body filters: an exact codice IPA or name
 * first, then names that contain the text and codici IPA that begin with it, by name.
 */
export async function suggestBodies(text: string, limit = 10): Promise<Array<{ id: number; name: string; ipaCode: string }>> {
  const t = text.trim().toLowerCase().slice(0, 200);
  if (t.length < 2) return [];
  return Entity.sequelize!.query<{ id: number; name: string; ipaCode: string }>(
    `SELECT id, name, ipa_code AS "ipaCode" FROM entities WHERE ${TYPED} ORDER BY (ipa_code = :t OR lower(name) = :t) DESC, name, id LIMIT :limit`,
    { replacements: { ...typed(t), limit }, type: QueryTypes.SELECT },
  );
}

/**
 * The ids of the bodies a text typed in a filter names: the body with that exact codice IPA or name
 * when there is one, otherwise every body whose name contains the text or whose codice IPA begins
 * with it. Resolved apart from the list it filters, so the list's planner sees the ids themselves.
 */
export async function matchBodies(text: string): Promise<number[]> {
  const t = text.trim().toLowerCase().slice(0, 200);
  if (!t) return [];
  const rows = await Entity.sequelize!.query<{ id: number; exact: boolean }>(`SELECT id, (ipa_code = :t OR lower(name) = :t) AS exact FROM entities WHERE ${TYPED}`, {
    replacements: typed(t),
    type: QueryTypes.SELECT,
  });
  const exact = rows.filter((r) => r.exact);
  return (exact.length ? exact : rows).map((r) => r.id);
}

/** What a body filter's field shows: the text typed, else the name of the body a link chose by id. */
export async function bodyFilterText(typedText: string | null | undefined, id: number | null | undefined): Promise<string> {
  return typedText || (await bodyName(id)) || '';
}
