// Deadlines across dossiers: the staff dashboard, the reminder job for milestone owners and the
// iCalendar feeds (one per dossier, and a personal one per staff member behind a secret URL).
import { DateTime } from 'luxon';
import { QueryTypes } from 'sequelize';
import { z } from 'zod';
import type { Actor, Viewer } from '../../platform/actor.js';
import type { Platform } from '../../platform/context.js';
import { NotFoundError } from '../../platform/errors.js';
import type { ICalCalendar } from '../../platform/ics.js';
import { pickLanguage } from '../../platform/i18n.js';
import { msg } from '../../platform/messages.js';
import { loadBusinessCalendar } from '../../platform/settings.js';
import { hashSecret, newSecret } from '../../platform/tokens.js';
import { findActiveStaff } from '../accounts/index.js';
import { addDays, formatDue, milestoneDate, todayInRome } from './dates.js';
import { recordEvent } from './history.js';
import { milestonesCalendar, type IcsMilestone } from './ics.js';
import { FeedToken, Milestone } from './models.js';
import { assertCanManage } from './policy.js';
import { TIME_ZONE, type MilestoneKind, type Phase } from './procurement.js';
import { loadDossier, milestoneTitle, milestoneTitleMessage } from './service.js';

/** Owners are reminded this many business days before a milestone. */
export const MILESTONE_REMINDER_BUSINESS_DAYS = 3;
export const DASHBOARD_HORIZON_DAYS = 60;

export type DeadlineRow = {
  id: number;
  dossierId: number;
  dossierTitle: string;
  phase: Phase;
  kind: MilestoneKind;
  title: string;
  dueOn: string;
  dueTime: string | null;
  ownerUserId: number | null;
  ownerName: string | null;
  overdue: boolean;
};

const dashboardFilter = z.object({
  mine: z.enum(['1']).optional().catch(undefined),
});

/** Open milestones of dossiers that are not closed or cancelled: overdue first, then the next ones. */
export async function deadlinesDashboard(platform: Platform, actor: Actor, query: unknown, page: { perPage: number; offset: number }) {
  assertCanManage(actor, 'tenders.deadlines');
  const filter = dashboardFilter.parse(query ?? {});
  const today = todayInRome();
  const replacements = { today, horizon: addDays(today, DASHBOARD_HORIZON_DAYS), userId: actor.userId, limit: page.perPage, offset: page.offset };
  const where = `m.done_at IS NULL AND d.phase NOT IN ('closed','cancelled') AND m.due_on <= :horizon ${filter.mine ? 'AND m.owner_user_id = :userId' : ''}`;
  const [counts] = await platform.sequelize.query<{ total: number; overdue: number }>(
    `SELECT count(*)::int AS total, count(*) FILTER (WHERE m.due_on < :today)::int AS overdue
       FROM tender_milestones m JOIN tender_dossiers d ON d.id = m.dossier_id WHERE ${where}`,
    { replacements, type: QueryTypes.SELECT },
  );
  const rows = await platform.sequelize.query<Record<string, unknown>>(
    `SELECT m.id, m.dossier_id, d.title AS dossier_title, d.phase, m.kind, m.title, m.due_on::text, m.due_time, m.owner_user_id,
            COALESCE(NULLIF(u.name, ''), u.email) AS owner_name
       FROM tender_milestones m JOIN tender_dossiers d ON d.id = m.dossier_id LEFT JOIN users u ON u.id = m.owner_user_id
      WHERE ${where}
      ORDER BY m.due_on, m.due_time NULLS FIRST, m.id LIMIT :limit OFFSET :offset`,
    { replacements, type: QueryTypes.SELECT },
  );
  const now = new Date();
  const deadlines: DeadlineRow[] = rows.map((r) => {
    const m = { dueOn: r.due_on as string, dueTime: (r.due_time as string | null) ?? null };
    const due = milestoneDate(m);
    const end = typeof due === 'string' ? DateTime.fromISO(due, { zone: TIME_ZONE }).endOf('day').toJSDate() : due;
    return {
      id: r.id as number,
      dossierId: r.dossier_id as number,
      dossierTitle: r.dossier_title as string,
      phase: r.phase as Phase,
      kind: r.kind as MilestoneKind,
      title: r.title as string,
      dueOn: m.dueOn,
      dueTime: m.dueTime,
      ownerUserId: (r.owner_user_id as number | null) ?? null,
      ownerName: (r.owner_name as string | null) ?? null,
      overdue: end < now,
    };
  });
  const feed = await FeedToken.findByPk(actor.userId);
  return { deadlines, total: counts.total, overdue: counts.overdue, filter, hasFeed: feed !== null, feedCreatedAt: feed?.createdAt ?? null };
}

export async function overdueCount(platform: Platform): Promise<{ overdue: number; upcoming: number }> {
  const today = todayInRome();
  const [r] = await platform.sequelize.query<{ overdue: number; upcoming: number }>(
    `SELECT count(*) FILTER (WHERE m.due_on < :today)::int AS overdue, count(*) FILTER (WHERE m.due_on BETWEEN :today AND :week)::int AS upcoming
       FROM tender_milestones m JOIN tender_dossiers d ON d.id = m.dossier_id
      WHERE m.done_at IS NULL AND d.phase NOT IN ('closed','cancelled')`,
    { replacements: { today, week: addDays(today, 7) }, type: QueryTypes.SELECT },
  );
  return r;
}

// ---------------------------------------------------------------------------------------------
// Reminder job

export async function sendMilestoneReminders(platform: Platform, now = new Date()): Promise<number> {
  const calendar = await loadBusinessCalendar(platform.sequelize);
  const today = todayInRome(now);
  // Three business days are never more than a fortnight, holidays included: a cheap bound for the query.
  const candidates = await platform.sequelize.query<Record<string, unknown>>(
    `SELECT m.id, m.dossier_id, m.kind, m.title, m.due_on::text, m.due_time, m.note, u.email, u.locale, COALESCE(NULLIF(u.name, ''), u.email) AS owner_name,
            d.title AS dossier_title, d.phase
       FROM tender_milestones m JOIN tender_dossiers d ON d.id = m.dossier_id JOIN users u ON u.id = m.owner_user_id
      WHERE m.done_at IS NULL AND m.reminder_sent_at IS NULL AND u.status = 'active'
        AND d.phase NOT IN ('closed','cancelled') AND m.due_on BETWEEN :today AND :bound`,
    { replacements: { today, bound: addDays(today, 20) }, type: QueryTypes.SELECT },
  );
  let sent = 0;
  for (const c of candidates) {
    const m = { dueOn: c.due_on as string, dueTime: (c.due_time as string | null) ?? null };
    const dueMoment = DateTime.fromISO(`${m.dueOn}T${m.dueTime ?? '09:00'}`, { zone: TIME_ZONE }).toJSDate();
    const remindAt = calendar.subtractBusinessDays(dueMoment, MILESTONE_REMINDER_BUSINESS_DAYS);
    if (now < remindAt || now > dueMoment) continue;
    await platform.sequelize.transaction(async (transaction) => {
      const [claimed] = await platform.sequelize.query<{ id: number }>(
        'UPDATE tender_milestones SET reminder_sent_at = :now WHERE id = :id AND reminder_sent_at IS NULL RETURNING id',
        { replacements: { id: c.id, now }, type: QueryTypes.SELECT, transaction },
      );
      if (!claimed) return;
      const title = milestoneTitleMessage({ kind: c.kind as MilestoneKind, title: c.title as string });
      await platform.mail.send(
        {
          to: c.email as string,
          lang: pickLanguage(c.locale),
          subject: msg('tenders:mail.milestoneReminder.subject', { due: formatDue(m), title, dossier: c.dossier_title as string }),
          template: 'tenders-milestone-reminder',
          data: {
            ownerName: c.owner_name,
            title,
            kind: c.kind as MilestoneKind,
            due: formatDue(m),
            dossierTitle: c.dossier_title,
            phase: c.phase as Phase,
            note: c.note,
            link: `${platform.config.baseUrl}/gare/${c.dossier_id as number}#scadenze`,
          },
        },
        transaction,
      );
      await recordEvent(platform, null, c.dossier_id as number, { kind: 'milestone-reminded', summary: msg('tenders:event.milestoneReminded', { title, owner: c.owner_name as string }), details: { milestoneId: c.id } }, transaction);
      sent++;
    });
  }
  return sent;
}

// ---------------------------------------------------------------------------------------------
// iCalendar

/** Translates a key for a calendar (the language of the request, Italian for a calendar app's fetch). */
export type Translate = (key: string, params?: Record<string, unknown>) => string;

function icsOf(platform: Platform, t: Translate, rows: Array<{ id: number; title: string; dueOn: string; dueTime: string | null; note: string | null; updatedAt: Date; dossierId: number; dossierTitle: string; kind: MilestoneKind }>, calendarName: string): ICalCalendar {
  const host = new URL(platform.config.baseUrl).hostname;
  const milestones: IcsMilestone[] = rows.map((m) => ({
    id: m.id,
    title: `${milestoneTitle(m, t)} — ${m.dossierTitle}`,
    date: milestoneDate(m),
    allDay: m.dueTime === null,
    description: [t(`tenders:milestoneKind.${m.kind}`), m.note].filter(Boolean).join('\n'),
    url: `${platform.config.baseUrl}/gare/${m.dossierId}`,
    updatedAt: m.updatedAt,
  }));
  return milestonesCalendar(milestones, { calendarName, prodId: '//CIT Hub//Gare ICT//IT', timeZone: TIME_ZONE, uidDomain: host });
}

/** The milestones of one dossier, for whoever may see the dossier. */
export async function dossierIcs(platform: Platform, viewer: Viewer, dossierId: number, t: Translate): Promise<{ filename: string; calendar: ICalCalendar }> {
  const { dossier } = await loadDossier(viewer, dossierId);
  const milestones = await Milestone.findAll({ where: { dossierId }, order: [['dueOn', 'ASC'], ['id', 'ASC']] });
  const calendar = icsOf(
    platform,
    t,
    milestones.map((m) => ({ id: m.id, title: m.title, dueOn: m.dueOn, dueTime: m.dueTime, note: m.note, updatedAt: m.updatedAt, dossierId: dossier.id, dossierTitle: dossier.title, kind: m.kind })),
    t('tenders:ics.dossierCalendar', { title: dossier.title }),
  );
  return { filename: `scadenze-gara-${dossier.id}.ics`, calendar };
}

/** A new secret feed URL for a staff member (the previous one stops working). */
export async function regenerateFeedToken(platform: Platform, actor: Actor): Promise<string> {
  assertCanManage(actor, 'tenders.feed');
  const token = newSecret();
  await platform.sequelize.transaction(async (transaction) => {
    await FeedToken.destroy({ where: { userId: actor.userId }, transaction });
    await FeedToken.create({ userId: actor.userId, tokenHash: hashSecret(token) }, { transaction });
    await platform.audit.record(actor, { action: 'tenders.feed-regenerated', subjectType: 'user', subjectId: actor.userId }, transaction);
  });
  return `${platform.config.baseUrl}/gare/calendario/${token}.ics`;
}

export async function revokeFeedToken(platform: Platform, actor: Actor): Promise<void> {
  assertCanManage(actor, 'tenders.feed');
  await FeedToken.destroy({ where: { userId: actor.userId } });
  await platform.audit.record(actor, { action: 'tenders.feed-revoked', subjectType: 'user', subjectId: actor.userId });
}

/**
 * The personal feed: the open milestones the staff member owns, and those of the dossiers where
 * they are RUP. The token is checked against its hash; a user no longer active staff gets a 404.
 */
export async function personalIcs(platform: Platform, token: string, t: Translate): Promise<ICalCalendar> {
  if (!/^[A-Za-z0-9_-]{20,64}$/.test(token)) throw new NotFoundError();
  const feed = await FeedToken.findOne({ where: { tokenHash: hashSecret(token) } });
  const user = feed ? await findActiveStaff(feed.userId) : null;
  if (!feed || !user) {
    throw new NotFoundError();
  }
  const rows = await platform.sequelize.query<Record<string, unknown>>(
    `SELECT m.id, m.title, m.due_on::text, m.due_time, m.note, m.updated_at, m.kind, d.id AS dossier_id, d.title AS dossier_title
       FROM tender_milestones m JOIN tender_dossiers d ON d.id = m.dossier_id
      WHERE d.phase NOT IN ('closed','cancelled') AND (m.owner_user_id = :userId OR d.rup_user_id = :userId)
        AND m.due_on >= :from
      ORDER BY m.due_on, m.id LIMIT 2000`,
    { replacements: { userId: user.id, from: addDays(todayInRome(), -90) }, type: QueryTypes.SELECT },
  );
  return icsOf(
    platform,
    t,
    rows.map((r) => ({ id: r.id as number, title: r.title as string, dueOn: r.due_on as string, dueTime: (r.due_time as string | null) ?? null, note: (r.note as string | null) ?? null, updatedAt: r.updated_at as Date, dossierId: r.dossier_id as number, dossierTitle: r.dossier_title as string, kind: r.kind as MilestoneKind })),
    t('tenders:ics.personalCalendar', { name: user.name || user.email }),
  );
}
