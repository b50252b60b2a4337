// Satisfaction survey: when a request closes, its requester gets a single-use, expiring link (no
// login) to rate the answer 1–5 with an optional comment; reopening the request withdraws it. The
// link is a token of the platform's one scheme (src/platform/tokens.ts), purpose "desk_survey", for
// the survey's id: only its hash is stored, and answering uses it in the answer's transaction.
import { Op, type Transaction } from 'sequelize';
import type { Platform } from '../../platform/context.js';
import { GoneError, NotFoundError } from '../../platform/errors.js';
import { msg, type Message } from '../../platform/messages.js';
import { parseInput } from '../../platform/validation.js';
import { findPerson } from '../accounts/index.js';
import { bodyName } from '../entities/index.js';
import type { DeskSettings } from './config.js';
import { DeskRequest, DeskSurvey } from './models.js';
import { mailLanguage, mailSubject } from './notify.js';
import { isAssignableRole } from './policy.js';
import { surveySchema } from './schemas.js';

const PURPOSE = 'desk_survey';
// Links sent before the one token scheme read "<surveyId>.<random>.<signature>"; the stored hash is that
// of their random part (18 random bytes), which therefore is their token.
const LEGACY = /^\d{1,9}\.([A-Za-z0-9_-]{24})\.[A-Za-z0-9_-]{43}$/;
const secretOf = (token: string) => LEGACY.exec(token)?.[1] ?? token;

/** Creates the survey and emails the link, in the transaction that closes the request (settings read before it). */
export async function sendSurvey(platform: Platform, transaction: Transaction, settings: DeskSettings, request: DeskRequest): Promise<void> {
  if (!request.requesterId) return;
  const user = await findPerson(request.requesterId, { transaction });
  if (!user || user.status !== 'active' || !user.notifyOptional || isAssignableRole(user.role)) return;
  const ttlMs = settings.surveyValidDays * 86_400_000;
  const survey = await DeskSurvey.create({ requestId: request.id, recipientId: user.id, expiresAt: new Date(Date.now() + ttlMs) }, { transaction });
  const { token } = await platform.tokens.issue({ purpose: PURPOSE, subjectId: survey.id, ttlMs }, transaction);
  const link = `${platform.config.baseUrl}/sondaggio/${token}`;
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

/** Reopening a request withdraws the surveys not yet answered, and their links. */
export async function withdrawSurveys(platform: Platform, requestId: number, transaction: Transaction): Promise<void> {
  const open = await DeskSurvey.findAll({ attributes: ['id'], where: { requestId, answeredAt: null, withdrawnAt: null }, transaction });
  if (!open.length) return;
  await DeskSurvey.update({ withdrawnAt: new Date() }, { where: { id: open.map((s) => s.id) }, transaction });
  await platform.tokens.revokeAll(PURPOSE, open.map((s) => s.id), transaction);
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

const REASONS = { used: 'used', revoked: 'withdrawn', expired: 'expired' } as const;

/** The survey behind a link, or why it cannot be answered; `consume` uses the link (in `transaction`). */
async function surveyOf(platform: Platform, token: string, transaction?: Transaction, consume = false): Promise<SurveyCheck> {
  let subjectId: number;
  try {
    const record = consume ? await platform.tokens.consume(PURPOSE, secretOf(token), {}, transaction) : await platform.tokens.check(PURPOSE, secretOf(token), {}, transaction);
    subjectId = record.subjectId;
  } catch (err) {
    if (err instanceof NotFoundError) return refuse('invalid');
    if (err instanceof GoneError) return refuse(REASONS[err.reason]);
    throw err;
  }
  const survey = await DeskSurvey.findByPk(subjectId, { transaction, lock: transaction ? transaction.LOCK.UPDATE : undefined });
  const request = survey ? await DeskRequest.findByPk(survey.requestId, { attributes: ['id', 'subject'], transaction }) : null;
  if (!survey || !request) return refuse('invalid');
  return { ok: true, survey, request: { id: request.id, subject: request.subject } };
}

export function checkSurveyToken(platform: Platform, token: string): Promise<SurveyCheck> {
  return surveyOf(platform, token);
}

/** Records the answer once: the link is used in the answer's transaction, so two clicks cannot both count. */
export async function answerSurvey(platform: Platform, token: string, input: unknown, ip: string | null): Promise<SurveyCheck> {
  const data = parseInput(surveySchema, input);
  return platform.sequelize.transaction(async (transaction) => {
    const check = await surveyOf(platform, token, transaction, true);
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
