// The people as other areas see them: plain values by id, a body's users, the centre's active staff.
// No other area imports the User model; they call these (through ./index.ts) or join the shared
// `users` table in SQL.
import { Op, QueryTypes, type Transaction, type WhereOptions } from 'sequelize';
import type { Role } from '../../platform/actor.js';
import { DataCache } from '../../platform/cache.js';
import { hot } from '../../platform/prepared.js';
import { User, type UserStatus } from './models.js';
import { hashPassword } from './passwords.js';
import { BODY_ROLES } from './policy.js';

export type Person = {
  id: number;
  email: string;
  name: string;
  role: Role;
  entityId: number | null;
  status: UserStatus;
  /** Whether the person wants the optional notifications (every desk mail, for instance). */
  notifyOptional: boolean;
  locale: string;
};

type Options = { transaction?: Transaction };

const FIELDS = ['id', 'email', 'name', 'role', 'entityId', 'status', 'notifyOptional', 'locale'] as const;
const plain = (u: User): Person => Object.fromEntries(FIELDS.map((f) => [f, u.get(f)])) as Person;

/** How a person is named on pages and in mails: the name, else the email. */
export const displayName = (p: { name: string; email: string }): string => p.name || p.email;

// The lookups every desk mail makes (requester, assignee, supervisors): prepared statements, rows as they come.
const COLUMNS = `id, email, name, role, entity_id AS "entityId", status, notify_optional AS "notifyOptional", locale`;
const BY_IDS = hot(`SELECT ${COLUMNS} FROM users WHERE id = ANY($1::int[]) ORDER BY id`);
const ACTIVE_BY_ROLES = hot(`SELECT ${COLUMNS} FROM users WHERE role = ANY($1::text[]) AND status = 'active' ORDER BY name, id`);
const ACTIVE_BY_IDS = hot(`SELECT ${COLUMNS} FROM users WHERE id = ANY($1::int[]) AND status = 'active' ORDER BY id`);

async function byIds(ids: readonly number[], activeOnly: boolean, opts: Options): Promise<Person[]> {
  return User.sequelize!.query<Person>(activeOnly ? ACTIVE_BY_IDS : BY_IDS, { bind: [ids], type: QueryTypes.SELECT, transaction: opts.transaction });
}

export async function findPerson(id: number | null | undefined, opts: Options = {}): Promise<Person | null> {
  if (!id) return null;
  return (await byIds([id], false, opts))[0] ?? null;
}

/** The person if their account is active, else null. */
export async function findActivePerson(id: number | null | undefined, opts: Options = {}): Promise<Person | null> {
  const p = await findPerson(id, opts);
  return p && p.status === 'active' ? p : null;
}

/** The people with these ids that exist, by id. */
export async function findPeople(ids: readonly number[], opts: Options & { activeOnly?: boolean } = {}): Promise<Person[]> {
  const unique = [...new Set(ids)];
  if (!unique.length) return [];
  return byIds(unique, opts.activeOnly ?? false, opts);
}

export async function findPersonByEmail(email: string, opts: Options = {}): Promise<Person | null> {
  const u = await User.findOne({ attributes: [...FIELDS], where: { email }, transaction: opts.transaction });
  return u ? plain(u) : null;
}

export async function findPeopleByEmails(emails: readonly string[], opts: Options = {}): Promise<Person[]> {
  const unique = [...new Set(emails)];
  if (!unique.length) return [];
  return (await User.findAll({ attributes: [...FIELDS], where: { email: { [Op.in]: unique } }, order: [['id', 'ASC']], transaction: opts.transaction })).map(plain);
}

export const STAFF_ROLES: readonly Role[] = ['staff', 'admin'];

// The staff are read on every page of the desk queue (its assignee choices): kept per set of roles
// under the users' version (DESIGN.md §6), so they cost the page's shared version read. Inside a
// transaction they are read there.
const staffByRoles = new DataCache<{ people: Person[] }>({ name: 'active-staff', tables: ['users'], max: 16, ttlMs: 10 * 60_000 });

const readStaff = (roles: readonly Role[], transaction?: Transaction) =>
  User.sequelize!.query<Person>(ACTIVE_BY_ROLES, { bind: [[...roles]], type: QueryTypes.SELECT, transaction });

/** The centre's active staff (operators and administrators, or only the roles asked), by name. */
export async function activeStaff(opts: Options & { roles?: readonly Role[] } = {}): Promise<Person[]> {
  const roles = opts.roles ?? STAFF_ROLES;
  if (opts.transaction) return readStaff(roles, opts.transaction);
  const { people } = await staffByRoles.fetch(User.sequelize!, roles.join(','), async () => ({ people: await readStaff(roles) }));
  // Copies: the kept ones are shared by every caller.
  return people.map((p) => ({ ...p }));
}

/** The person if they are active staff (operator or administrator), else null. */
export async function findActiveStaff(id: number | null | undefined, opts: Options = {}): Promise<Person | null> {
  const p = await findActivePerson(id, opts);
  return p && STAFF_ROLES.includes(p.role) ? p : null;
}

/** A body's users by name: every status unless activeOnly; only body roles (member, RTD, referent) if bodyRolesOnly. */
export async function usersOfBodies(
  entityIds: readonly number[],
  opts: Options & { activeOnly?: boolean; bodyRolesOnly?: boolean; limit?: number } = {},
): Promise<Person[]> {
  const unique = [...new Set(entityIds)];
  if (!unique.length) return [];
  const where: WhereOptions = { entityId: { [Op.in]: unique } };
  if (opts.activeOnly) Object.assign(where, { status: 'active' });
  if (opts.bodyRolesOnly) Object.assign(where, { role: { [Op.in]: [...BODY_ROLES] } });
  return (await User.findAll({ attributes: [...FIELDS], where, order: [['name', 'ASC'], ['id', 'ASC']], limit: opts.limit, transaction: opts.transaction })).map(plain);
}

export function usersOfBody(entityId: number, opts: Options & { activeOnly?: boolean; bodyRolesOnly?: boolean; limit?: number } = {}): Promise<Person[]> {
  return usersOfBodies([entityId], opts);
}

const demoHashes = new Map<string, Promise<string>>();

/** Demo data of other areas: an active account with this password, made once (an existing email is left as it is). */
export async function ensureActiveUser(
  data: { email: string; name: string; role: Role; entityId: number | null },
  password: string,
  opts: Options = {},
): Promise<Person> {
  const existing = await User.findOne({ where: { email: data.email }, transaction: opts.transaction });
  if (existing) return plain(existing);
  const passwordHash = await (demoHashes.get(password) ?? demoHashes.set(password, hashPassword(password)).get(password)!);
  const [user] = await User.findOrCreate({ where: { email: data.email }, defaults: { ...data, passwordHash, status: 'active', lastLoginAt: null }, transaction: opts.transaction });
  return plain(user);
}
