// Satisfaction survey: when a request closes, its requester gets a signed, single-use, expiring link
// (no login) to rate the answer 1–5 with an optional comment; reopening the request withdraws it.
//
// Link token: "<surveyId>.<random>.<signature>"; the signature is an HMAC of the id and the random
// part with the session secret (a forged link fails before any lookup), and the random part is stored
// only as its SHA-256 (a database leak gives no usable links).
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { Op, type Transaction } from 'sequelize';
import type { Platform } from '../../platform/context.js';
import { msg, type Message } from '../../platform/messages.js';
import { parseInput } from '../../platform/validation.js';
import { findPerson } from '../accounts/index.js';
import { bodyName } from '../entities/index.js';
import { deskConfig } from './config.js';
import { DeskRequest, DeskSurvey } from './models.js';
import { mailLanguage, mailSubject } from './notify.js';
import { isAssignableRole } from './policy.js';
import { surveySchema } from './schemas.js';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const sign = (secret: string, payload: string) => createHmac('sha256', secret).update(`desk-survey:${payload}`).digest('base64url');
const TOKEN = /^(\d{1,9})\.([A-Za-z0-9_-]{24})\.([A-Za-z0-9_-]{43})$/;

export function surveyToken(secret: string, surveyId: number, random: string): string {
  return `${surveyId}.${random}.${sign(secret, `${surveyId}.${random}`)}`;
}

/** Creates the survey and emails the link, in the transaction that closes the request. */
export async function sendSurvey(platform: Platform, transaction: Transaction, request: DeskRequest): Promise<void> {
  if (!request.requesterId) return;
  const user = await findPerson(request.requesterId, { transaction });
  if (!user || user.status !== 'active' || !user.notifyOptional || isAssignableRole(user.role)) return;
  const { settings } = await deskConfig(platform.sequelize);
  const random = randomBytes(18).toString('base64url');
  const survey = await DeskSurvey.create(
    { requestId: request.id, recipientId: user.id, tokenHash: sha256(random), expiresAt: new Date(Date.now() + settings.surveyValidDays * 86_400_000) },
    { transaction },
  );
  const link = `${platform.config.baseUrl}/sondaggio/${surveyToken(platform.config.sessionSecret, survey.id, random)}`;
  const entityName = await bodyName(request.entityId, { transaction });
  await platform.mail.send(
    {
      to: user.email,
      lang: mailLanguage(user),
      subject: mailSubject(request, msg('desk:mail.tail.survey')),
      template: 'desk-survey',
      data: {
        recipientName: user.name,
        request: { id: request.id, subject: request.subject },
        entityName: entityName ?? '',
        link,
        ratings: [1, 2, 3, 4, 5].map((n) => ({ value: n, href: `${link}?voto=${n}` })),
        days: settings.surveyValidDays,
      },
    },
    transaction,
  );
}

/** Reopening a request withdraws the surveys not yet answered. */
export async function withdrawSurveys(requestId: number, transaction: Transaction): Promise<void> {
  await DeskSurvey.update({ withdrawnAt: new Date() }, { where: { requestId, answeredAt: null, withdrawnAt: null }, transaction });
}

export type SurveyCheck =
  | { ok: true; survey: DeskSurvey; request: { id: number; subject: string } }
  | { ok: false; reason: 'invalid' | 'expired' | 'used' | 'withdrawn'; status: number; message: Message };

const REFUSALS = {
  invalid: { status: 404, message: msg('desk:survey.refused.invalid') },
  expired: { status: 410, message: msg('desk:survey.refused.expired') },
  used: { status: 410, message: msg('desk:survey.refused.used') },
  withdrawn: { status: 410, message: msg('desk:survey.refused.withdrawn') },
} as const;

function refuse(reason: keyof typeof REFUSALS): SurveyCheck {
  return { ok: false, reason, ...REFUSALS[reason] };
}

export async function checkSurveyToken(platform: Platform, token: string, transaction?: Transaction): Promise<SurveyCheck> {
  const m = TOKEN.exec(token);
  if (!m) return refuse('invalid');
  const [, id, random, signature] = m;
  const expected = Buffer.from(sign(platform.config.sessionSecret, `${id}.${random}`));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return refuse('invalid');
  const survey = await DeskSurvey.findByPk(Number(id), { transaction, lock: transaction ? transaction.LOCK.UPDATE : undefined });
  if (!survey) return refuse('invalid');
  const stored = Buffer.from(survey.tokenHash);
  const hashed = Buffer.from(sha256(random));
  if (stored.length !== hashed.length || !timingSafeEqual(stored, hashed)) return refuse('invalid');
  if (survey.answeredAt) return refuse('used');
  if (survey.withdrawnAt) return refuse('withdrawn');
  if (survey.expiresAt.getTime() <= Date.now()) return refuse('expired');
  const request = await DeskRequest.findByPk(survey.requestId, { attributes: ['id', 'subject'], transaction });
  if (!request) return refuse('invalid');
  return { ok: true, survey, request: { id: request.id, subject: request.subject } };
}

/** Records the answer once: the survey row is locked, so two clicks cannot both count. */
export async function answerSurvey(platform: Platform, token: string, input: unknown, ip: string | null): Promise<SurveyCheck> {
  const data = parseInput(surveySchema, input);
  return platform.sequelize.transaction(async (transaction) => {
    const check = await checkSurveyToken(platform, token, transaction);
    if (!check.ok) return check;
    await check.survey.update({ answeredAt: new Date(), rating: data.rating, comment: data.comment }, { transaction });
    await platform.audit.record(
      null,
      { action: 'desk.survey-answered', subjectType: 'desk_request', subjectId: check.request.id, details: { surveyId: check.survey.id, rating: data.rating }, ip },
      transaction,
    );
    return check;
  });
}

/** Surveys of a request for its staff page. */
export async function surveysOf(requestId: number): Promise<DeskSurvey[]> {
  return DeskSurvey.findAll({ where: { requestId, [Op.or]: [{ answeredAt: { [Op.ne]: null } }, { withdrawnAt: null }] }, order: [['id', 'DESC']] });
}
