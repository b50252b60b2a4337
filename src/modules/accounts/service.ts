// Accounts: login with lockout, invitations and password resets by single-use hashed tokens, profile, user admin.
import { randomBytes } from 'node:crypto';
import argon2 from 'argon2';
import { Op, type InferAttributes, type Transaction, type WhereOptions } from 'sequelize';
import type { Actor, Role } from '../../platform/actor.js';
import type { Platform } from '../../platform/context.js';
import type { Language } from '../../platform/i18n.js';
import { msg } from '../../platform/messages.js';
import { ConflictError, NotFoundError, TooManyRequestsError, ValidationError } from '../../platform/errors.js';
import { parseInput } from '../../platform/validation.js';
import type { LimitRule } from '../../platform/limits.js';
import type { Authenticator } from '../../web/auth.js';
import { bodyNames, findBody, matchBodies } from '../entities/index.js';
import { User } from './models.js';
import { hashPassword } from './passwords.js';
import { assertCanChangeRole, assertCanInvite, assertCanManageUser, canListBodyUsers, canReinvite, isBodyRole } from './policy.js';
import {
  changePasswordSchema,
  forgotSchema,
  inviteSchema,
  loginSchema,
  profileSchema,
  resetPasswordSchema,
  roleChangeSchema,
  setPasswordSchema,
  userFilterSchema,
} from './schemas.js';

/**
 * The login limits, counted in the store shared by every process (src/platform/limits.ts). Wrong
 * passwords are counted per account and address (a guesser locks out only itself, not the owner at
 * another address nor a colleague behind the same town-hall address), per account from anywhere (a
 * guess spread over many addresses) and per address for any account. The address limit alone never
 * refuses a right password: past it, each wrong one answers "too many attempts" and locks that
 * account for that address at once.
 */
export const LOGIN_LIMITS = {
  accountAddress: { limit: 5, windowSeconds: 15 * 60, blockSeconds: 15 * 60 },
  account: { limit: 50, windowSeconds: 60 * 60, blockSeconds: 15 * 60 },
  address: { limit: 100, windowSeconds: 15 * 60 },
} as const satisfies Record<string, LimitRule>;

/** The password-reset form: requests per address, and per email whether or not it is registered. */
export const RESET_LIMITS = {
  address: { limit: 10, windowSeconds: 15 * 60 },
  email: { limit: 5, windowSeconds: 60 * 60 },
} as const satisfies Record<string, LimitRule>;

const addressOf = (ip: string | null) => ip ?? 'unknown';
export const loginKeys = (emailKey: string, ip: string | null) => ({
  accountAddress: `login:account-address:${emailKey}|${addressOf(ip)}`,
  account: `login:account:${emailKey}`,
  address: `login:address:${addressOf(ip)}`,
});
export const resetKeys = (email: string, ip: string | null) => ({ address: `reset:address:${addressOf(ip)}`, email: `reset:email:${email}` });
export { hashPassword };

/** The links sent by email: single-use tokens (src/platform/tokens.ts) of these purposes, for a user id. */
export type TokenKind = 'invitation' | 'password_reset';
const TOKEN_TTL_HOURS: Record<TokenKind, number> = { invitation: 24 * 7, password_reset: 1 };
export const INVITATION_DAYS = TOKEN_TTL_HOURS.invitation / 24;


// Verifying against a fixed hash when the email is unknown keeps the answer time alike (no enumeration).
let dummyHash: Promise<string> | null = null;
const getDummyHash = () => (dummyHash ??= hashPassword(randomBytes(16).toString('hex')));

export function actorFromUser(user: User, ip: string | null = null): Actor {
  return { userId: user.id, email: user.email, name: user.name, role: user.role, entityId: user.entityId, ip };
}

export type LoginResult = { ok: true; user: User } | { ok: false; reason: 'invalid' | 'locked' | 'throttled' };

export async function authenticate(platform: Platform, input: unknown, ip: string | null): Promise<LoginResult> {
  const { email, password } = parseInput(loginSchema, input);
  const emailKey = email.trim().toLowerCase();
  const { sequelize, audit, limits } = platform;
  const keys = loginKeys(emailKey, ip);
  const [pair, account] = await Promise.all([limits.peek(keys.accountAddress, LOGIN_LIMITS.accountAddress), limits.peek(keys.account, LOGIN_LIMITS.account)]);
  if (pair.blockedUntil || account.blockedUntil) {
    await audit.record(null, { action: 'login.refused-locked', email: emailKey, ip, details: { scope: pair.blockedUntil ? 'account-address' : 'account' } });
    return { ok: false, reason: 'locked' };
  }
  const user = emailKey ? await User.findOne({ where: sequelize.where(sequelize.fn('lower', sequelize.col('email')), emailKey) }) : null;
  const hash = user?.passwordHash ?? (await getDummyHash());
  const passwordOk = await argon2.verify(hash, password).catch(() => false);
  if (!user || !passwordOk || user.status !== 'active') {
    const address = await limits.hit(keys.address, LOGIN_LIMITS.address);
    const overAddress = address.hits > LOGIN_LIMITS.address.limit;
    const [pairNow, accountNow] = await Promise.all([
      overAddress ? limits.block(keys.accountAddress, LOGIN_LIMITS.accountAddress, LOGIN_LIMITS.accountAddress.blockSeconds) : limits.hit(keys.accountAddress, LOGIN_LIMITS.accountAddress),
      limits.hit(keys.account, LOGIN_LIMITS.account),
    ]);
    await audit.record(null, { action: 'login.failed', email: emailKey, ip, subjectType: 'user', subjectId: user?.id ?? null });
    if (overAddress) {
      await audit.record(null, { action: 'login.throttled', email: emailKey, ip, details: { addressFailures: address.hits } });
      return { ok: false, reason: 'throttled' };
    }
    if (pairNow.blockedUntil || accountNow.blockedUntil) {
      const scope = pairNow.blockedUntil ? 'account-address' : 'account';
      await audit.record(null, { action: 'login.locked', email: emailKey, ip, details: { minutes: LOGIN_LIMITS.accountAddress.blockSeconds / 60, scope } });
    }
    return { ok: false, reason: 'invalid' };
  }
  await limits.clear(keys.accountAddress);
  user.lastLoginAt = new Date();
  await user.save();
  await audit.record(actorFromUser(user, ip), { action: 'login.success', subjectType: 'user', subjectId: user.id, entityId: user.entityId });
  return { ok: true, user };
}

/** The viewer's own account with the body it belongs to (the profile page). */
export async function profileOf(userId: number): Promise<(Omit<InferAttributes<User>, 'passwordHash'> & { entity: { id: number; name: string } | null }) | null> {
  const user = await User.findByPk(userId);
  if (!user) return null;
  const body = await findBody(user.entityId);
  const { passwordHash: _hash, ...account } = user.get({ plain: true });
  return { ...account, entity: body ? { id: body.id, name: body.name } : null };
}

/** The signed-in person of a session, loaded on every request: without the password hash. */
export async function findActiveUser(id: number): Promise<User | null> {
  const user = await User.findByPk(id, { attributes: { exclude: ['passwordHash'] } });
  return user && user.status === 'active' ? user : null;
}

async function issueToken(kind: TokenKind, userId: number, createdBy: number | null, platform: Platform): Promise<string> {
  // A new link replaces any earlier unused one of the same kind.
  const { token } = await platform.sequelize.transaction((transaction) =>
    platform.tokens.issue({ purpose: kind, subjectId: userId, ttlMs: TOKEN_TTL_HOURS[kind] * 3600_000, createdBy, replace: true }, transaction),
  );
  return token;
}

const INVALID_LINK = msg('accounts:error.invalidLink');

/** The user behind a link still usable (unknown: 404; expired, used or replaced: 410). */
export async function checkToken(platform: Platform, kind: TokenKind, token: string): Promise<{ user: User }> {
  const record = await platform.tokens.check(kind, token, { invalid: INVALID_LINK });
  const user = await User.findByPk(record.subjectId);
  if (!user || user.status === 'disabled') throw new NotFoundError(INVALID_LINK);
  return { user };
}

/** Uses the link inside the transaction of what it allows: a rollback leaves it usable. */
async function consumeToken(platform: Platform, kind: TokenKind, token: string, transaction: Transaction): Promise<User> {
  const record = await platform.tokens.consume(kind, token, { invalid: INVALID_LINK }, transaction);
  const user = await User.findByPk(record.subjectId, { transaction, lock: transaction.LOCK.UPDATE });
  if (!user || user.status === 'disabled') throw new NotFoundError(INVALID_LINK);
  return user;
}

/**
 * Invites an email. An existing account is rewritten only when it is still pending and the inviter may
 * manage it (`canReinvite`); otherwise nothing changes, the refusal is audited, and the caller gets the
 * same answer as for a new email, so the form never tells whether an email is registered.
 */
export async function invite(platform: Platform, actor: Actor, input: unknown): Promise<{ email: string }> {
  const data = parseInput(inviteSchema, input);
  const role = data.role as Role;
  // A referent invites into their own body whatever the form says.
  const entityId = actor.role === 'referent' ? actor.entityId : data.entityId;
  if (isBodyRole(role) && !entityId) throw new ValidationError({ entityId: msg('accounts:error.bodyRequired') });
  assertCanInvite(actor, { role, entityId: isBodyRole(role) ? entityId : null });
  const entity = await findBody(entityId);
  if (entityId && !entity) throw new ValidationError({ entityId: msg('accounts:error.bodyMissing') });
  const { sequelize } = platform;
  const user = await sequelize.transaction(async (transaction) => {
    const existing = await User.findOne({ where: sequelize.where(sequelize.fn('lower', sequelize.col('email')), data.email), transaction, lock: transaction.LOCK.UPDATE });
    if (existing && !canReinvite(actor, existing)) {
      await platform.audit.record(
        actor,
        { action: 'user.invite-refused', subjectType: 'user', subjectId: existing.id, entityId: existing.entityId, details: { email: data.email, role, status: existing.status } },
        transaction,
      );
      return null;
    }
    const u = existing ?? (await User.create({ email: data.email, role, entityId: isBodyRole(role) ? entityId : null, passwordHash: null, lastLoginAt: null }, { transaction }));
    if (existing) await existing.update({ role, entityId: isBodyRole(role) ? entityId : null }, { transaction });
    await platform.audit.record(actor, { action: 'user.invited', subjectType: 'user', subjectId: u.id, entityId: u.entityId, details: { email: u.email, role } }, transaction);
    return u;
  });
  if (!user) return { email: data.email };
  const token = await issueToken('invitation', user.id, actor.userId, platform);
  await platform.mail.send({
    to: user.email,
    subject: entity ? msg('accounts:mail.invitationSubjectFor', { body: entity.name }) : msg('accounts:mail.invitationSubject'),
    template: 'invitation',
    data: { inviterName: actor.name || actor.email, entityName: entity?.name ?? null, role, link: `${platform.config.baseUrl}/invito/${token}`, days: INVITATION_DAYS },
  });
  return { email: user.email };
}

export async function acceptInvitation(platform: Platform, token: string, input: unknown, ip: string | null): Promise<User> {
  await checkToken(platform, 'invitation', token);
  const data = parseInput(setPasswordSchema, input);
  const passwordHash = await hashPassword(data.password);
  return platform.sequelize.transaction(async (transaction) => {
    const user = await consumeToken(platform, 'invitation', token, transaction);
    await user.update({ name: data.name, passwordHash, status: 'active' }, { transaction });
    await platform.audit.record(actorFromUser(user, ip), { action: 'user.invitation-accepted', subjectType: 'user', subjectId: user.id, entityId: user.entityId }, transaction);
    return user;
  });
}

/**
 * The reset form, first half: validates the email and counts the request against the form's limits
 * (per address and per email, in the store shared by all processes), the same for any email. Returns
 * what `sendPasswordReset` needs; the answer goes out before that runs, so no timing tells whether
 * the email is registered.
 */
export async function acceptPasswordResetRequest(platform: Platform, input: unknown, ip: string | null): Promise<{ email: string; ip: string | null }> {
  const { email } = parseInput(forgotSchema, input);
  const keys = resetKeys(email, ip);
  const address = await platform.limits.hit(keys.address, RESET_LIMITS.address);
  const byEmail = address.hits > RESET_LIMITS.address.limit ? null : await platform.limits.hit(keys.email, RESET_LIMITS.email);
  if (!byEmail || byEmail.hits > RESET_LIMITS.email.limit) {
    await platform.audit.record(null, { action: 'password.reset-throttled', email, ip, details: { scope: byEmail ? 'email' : 'address' } });
    throw new TooManyRequestsError(msg('accounts:forgot.tooMany'), Math.max(address.retryAfterSeconds, byEmail?.retryAfterSeconds ?? 0));
  }
  return { email, ip };
}

/**
 * The reset form, second half (after the answer): a link to an active account's owner, in the
 * language they asked in; nothing for an unknown, invited or disabled email. Audited either way.
 */
export async function sendPasswordReset(platform: Platform, request: { email: string; ip: string | null }, lang?: Language): Promise<void> {
  const { email, ip } = request;
  const user = await User.findOne({ where: platform.sequelize.where(platform.sequelize.fn('lower', platform.sequelize.col('email')), email) });
  const active = user && user.status === 'active' ? user : null;
  await platform.sequelize.transaction(async (transaction) => {
    if (active) {
      const { token } = await platform.tokens.issue(
        { purpose: 'password_reset', subjectId: active.id, ttlMs: TOKEN_TTL_HOURS.password_reset * 3600_000, createdBy: null, replace: true },
        transaction,
      );
      await platform.mail.send(
        {
          to: active.email,
          subject: msg('accounts:mail.resetSubject'),
          lang,
          template: 'password-reset',
          data: { name: active.name, link: `${platform.config.baseUrl}/password/reimposta/${token}`, minutes: TOKEN_TTL_HOURS.password_reset * 60 },
        },
        transaction,
      );
    }
    await platform.audit.record(null, { action: 'password.reset-requested', email, ip, subjectType: 'user', subjectId: user?.id ?? null, details: { sent: Boolean(active) } }, transaction);
  });
}

export async function resetPassword(platform: Platform, token: string, input: unknown, ip: string | null): Promise<void> {
  await checkToken(platform, 'password_reset', token);
  const data = parseInput(resetPasswordSchema, input);
  const passwordHash = await hashPassword(data.password);
  await platform.sequelize.transaction(async (transaction) => {
    const user = await consumeToken(platform, 'password_reset', token, transaction);
    await user.update({ passwordHash }, { transaction });
    await endSessionsOf(platform, user.id, transaction);
    // The link proved the owner: the login locks of the account end with it.
    const keys = loginKeys(user.email.toLowerCase(), null);
    await platform.limits.clear(keys.account, transaction);
    await platform.limits.clearPrefix(keys.accountAddress.slice(0, keys.accountAddress.lastIndexOf('|') + 1), transaction);
    await platform.audit.record(actorFromUser(user, ip), { action: 'password.reset', subjectType: 'user', subjectId: user.id, entityId: user.entityId }, transaction);
  });
}

export async function updateProfile(platform: Platform, actor: Actor, input: unknown): Promise<User> {
  const data = parseInput(profileSchema, input);
  const user = await User.findByPk(actor.userId);
  if (!user) throw new NotFoundError();
  await user.update({ name: data.name, notifyOptional: data.notifyOptional, ...(data.locale ? { locale: data.locale } : {}) });
  await platform.audit.record(actor, { action: 'user.profile-updated', subjectType: 'user', subjectId: user.id, entityId: user.entityId });
  return user;
}

/** Ends every open session of a user (sessions live in the `session` table of connect-pg-simple). */
async function endSessionsOf(platform: Platform, userId: number, transaction?: Transaction): Promise<void> {
  await platform.sequelize.query(`DELETE FROM session WHERE (sess->'passport'->>'user')::text = :id`, { replacements: { id: String(userId) }, transaction });
}

/**
 * Changes the viewer's password and ends every session of theirs, the current one included: the caller
 * signs the user in again, which gives the current browser a new session id.
 */
export async function changePassword(platform: Platform, actor: Actor, input: unknown): Promise<User> {
  const data = parseInput(changePasswordSchema, input);
  const user = await User.findByPk(actor.userId);
  if (!user?.passwordHash) throw new NotFoundError();
  if (!(await argon2.verify(user.passwordHash, data.currentPassword).catch(() => false))) {
    throw new ValidationError({ currentPassword: msg('accounts:error.currentPasswordWrong') });
  }
  const passwordHash = await hashPassword(data.newPassword);
  await platform.sequelize.transaction(async (transaction) => {
    await user.update({ passwordHash }, { transaction });
    await endSessionsOf(platform, user.id, transaction);
    await platform.audit.record(actor, { action: 'password.changed', subjectType: 'user', subjectId: user.id, entityId: user.entityId }, transaction);
  });
  return user;
}

export async function listUsers(actor: Actor, query: unknown, page: { perPage: number; offset: number }, scopeEntityId?: number) {
  const filter = userFilterSchema.parse(query ?? {});
  const where: WhereOptions = {};
  const entityId = scopeEntityId ?? filter.entityId;
  if (scopeEntityId !== undefined && !canListBodyUsers(actor, scopeEntityId)) throw new NotFoundError();
  if (scopeEntityId === undefined && filter.entityName) Object.assign(where, { entityId: { [Op.in]: await matchBodies(filter.entityName) } });
  else if (entityId) Object.assign(where, { entityId });
  if (filter.role) Object.assign(where, { role: filter.role });
  if (filter.status) Object.assign(where, { status: filter.status });
  if (filter.q) Object.assign(where, { [Op.or]: [{ email: { [Op.iLike]: `%${filter.q}%` } }, { name: { [Op.iLike]: `%${filter.q}%` } }] });
  const { rows, count } = await User.findAndCountAll({
    where,
    order: [['email', 'ASC']],
    limit: page.perPage,
    offset: page.offset,
  });
  const names = await bodyNames(rows.map((u) => u.entityId).filter((id): id is number => id !== null));
  const users = rows.map((u) => {
    const { passwordHash: _hash, ...account } = u.get({ plain: true });
    return { ...account, entity: u.entityId && names.has(u.entityId) ? { id: u.entityId, name: names.get(u.entityId)! } : null };
  });
  return { users, total: count, filter };
}

export async function setUserStatus(platform: Platform, actor: Actor, userId: number, status: 'active' | 'disabled'): Promise<User> {
  const user = await User.findByPk(userId);
  if (!user) throw new NotFoundError(msg('accounts:error.userNotFound'));
  assertCanManageUser(actor, user);
  if (status === 'active' && !user.passwordHash) throw new ConflictError(msg('accounts:error.notAcceptedYet'));
  await user.update({ status });
  if (status === 'disabled') {
    // End the user's open sessions at once.
    await endSessionsOf(platform, user.id);
  }
  await platform.audit.record(actor, { action: status === 'disabled' ? 'user.disabled' : 'user.enabled', subjectType: 'user', subjectId: user.id, entityId: user.entityId });
  return user;
}

export async function changeRole(platform: Platform, actor: Actor, userId: number, input: unknown): Promise<User> {
  const { role } = parseInput(roleChangeSchema, input);
  const user = await User.findByPk(userId);
  if (!user) throw new NotFoundError(msg('accounts:error.userNotFound'));
  assertCanChangeRole(actor, user);
  if (isBodyRole(role) && !user.entityId) throw new ValidationError({ role: msg('accounts:error.bodyRoleNeedsBody') });
  const before = user.role;
  await user.update({ role, entityId: isBodyRole(role) ? user.entityId : user.entityId });
  await platform.audit.record(actor, { action: 'user.role-changed', subjectType: 'user', subjectId: user.id, entityId: user.entityId, details: { from: before, to: role } });
  return user;
}

/** What the web edge needs to log people in and to know who is asking (handed to src/web/auth.ts by the root). */
export function accountsAuthenticator(platform: Platform): Authenticator<User> {
  return {
    authenticate: (input, ip) => authenticate(platform, input, ip),
    findActiveUser,
    sessionUser: {
      columns: Object.entries(User.getAttributes())
        .filter(([name]) => name !== 'passwordHash')
        .map(([name, a]) => `u.${a.field ?? name} AS "${name}"`)
        .join(', '),
      fromRow: (row) => (row.status === 'active' ? User.build(row as unknown as User['_creationAttributes'], { isNewRecord: false, raw: true }) : null),
    },
    actorOf: actorFromUser,
  };
}
