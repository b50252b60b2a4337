// The radar: every Monday morning, one digest per adhering body of the open calls it is eligible for
// and of its projects' deadlines in the next 30 days (and any already past), mailed to the body's
// users who keep the optional notifications on in their profile (the profile's opt-out). Exactly
// once per body and ISO week: a row claims it in the transaction that enqueues the mails. A body
// with nothing to say gets no mail.
import { DateTime } from 'luxon';
import { QueryTypes } from 'sequelize';
import type { Platform } from '../../platform/context.js';
import { formattersFor } from '../../platform/format.js';
import { pickLanguage } from '../../platform/i18n.js';
import { msg } from '../../platform/messages.js';
import { addDays, todayInRome } from '../tenders/index.js';
import { projectViewsWhere } from './service.js';

export const RADAR_JOB = 'funding.weekly-radar';
/** Monday 07:30 in Rome (the queue schedules in Europe/Rome). */
export const RADAR_CRON = '30 7 * * 1';
export const RADAR_DAYS = 30;

/** The ISO week of a day ("2026-W49"): the key of one digest. */
export const isoWeek = (day: string): string => DateTime.fromISO(day, { zone: 'utc' }).toFormat("kkkk-'W'WW");

type OpenCall = { entity_id: number; id: number; title: string; closes_on: string; measure: string | null; applied: boolean };
type Recipient = { entity_id: number; email: string; name: string; locale: string | null };

export type RadarDeadline = { projectId: number; project: string; cup: string | null; stage: string; dueOn: string; daysLeft: number; overdue: boolean };

/** What the radar of each body holds today: eligible open calls, and deadlines up to 30 days ahead. */
export async function radarContents(platform: Platform, today: string, entityIds?: readonly number[]) {
  const only = entityIds ? ' AND e.id IN (:ids)' : '';
  const replacements = { today, ids: entityIds?.length ? entityIds : [0] };
  const calls = await platform.sequelize.query<OpenCall>(
    `SELECT e.id AS entity_id, c.id, c.title, c.closes_on, c.measure,
            EXISTS (SELECT 1 FROM funding_projects p WHERE p.call_id = c.id AND p.entity_id = e.id) AS applied
       FROM entities e JOIN funding_calls c ON e.kind = ANY(c.eligible_kinds)
      WHERE e.membership_status = 'active' AND c.opens_on <= :today AND c.closes_on >= :today${only}
      ORDER BY e.id, c.closes_on, c.id`,
    { replacements, type: QueryTypes.SELECT },
  );
  const horizon = addDays(today, RADAR_DAYS);
  const projects = await projectViewsWhere(platform, `p.state IN ('admitted','funded') AND e.membership_status = 'active'${only}`, replacements, today);
  const byBody = new Map<number, { calls: OpenCall[]; deadlines: RadarDeadline[] }>();
  const of = (id: number) => byBody.get(id) ?? byBody.set(id, { calls: [], deadlines: [] }).get(id)!;
  for (const c of calls) of(c.entity_id).calls.push(c);
  for (const p of projects) {
    for (const s of p.stages) {
      if (s.done || s.key === 'maintenance' || !s.dueOn || s.dueOn > horizon || s.level === 'none') continue;
      of(p.entityId).deadlines.push({ projectId: p.id, project: p.title ?? p.callTitle, cup: p.cup, stage: `funding:stage.${s.key}`, dueOn: s.dueOn, daysLeft: s.daysLeft ?? 0, overdue: s.level === 'overdue' });
    }
  }
  for (const v of byBody.values()) v.deadlines.sort((a, b) => (a.dueOn < b.dueOn ? -1 : a.dueOn > b.dueOn ? 1 : a.projectId - b.projectId));
  return byBody;
}

/**
 * Sends this week's digests not sent yet. `entityIds` limits the run to those bodies (a test's own);
 * the weekly job runs it for every adhering body. Returns the bodies whose digest was claimed.
 */
export async function sendRadar(platform: Platform, opts: { today?: string; entityIds?: readonly number[] } = {}): Promise<number> {
  if (opts.entityIds && !opts.entityIds.length) return 0;
  const today = opts.today ?? todayInRome();
  const week = isoWeek(today);
  const contents = await radarContents(platform, today, opts.entityIds);
  const ids = [...contents.keys()].filter((id) => contents.get(id)!.calls.length || contents.get(id)!.deadlines.length);
  if (!ids.length) return 0;
  const recipients = await platform.sequelize.query<Recipient & { body: string }>(
    `SELECT u.entity_id, u.email, COALESCE(NULLIF(u.name, ''), u.email) AS name, u.locale, e.name AS body
       FROM users u JOIN entities e ON e.id = u.entity_id
      WHERE u.entity_id IN (:ids) AND u.status = 'active' AND u.notify_optional AND u.role IN ('member','rtd','referent')
      ORDER BY u.entity_id, u.id`,
    { replacements: { ids }, type: QueryTypes.SELECT },
  );
  let sent = 0;
  for (const entityId of ids) {
    const to = recipients.filter((r) => r.entity_id === entityId);
    if (!to.length) continue;
    const { calls, deadlines } = contents.get(entityId)!;
    await platform.sequelize.transaction(async (transaction) => {
      const [claimed] = await platform.sequelize.query<{ entity_id: number }>(
        `INSERT INTO funding_radar_sent (entity_id, week, recipients) VALUES (:entityId, :week, :n) ON CONFLICT DO NOTHING RETURNING entity_id`,
        { replacements: { entityId, week, n: to.length }, type: QueryTypes.SELECT, transaction },
      );
      if (!claimed) return;
      for (const r of to) {
        const lang = pickLanguage(r.locale);
        const f = formattersFor(lang);
        await platform.mail.send(
          {
            to: r.email,
            lang,
            subject: msg('funding:mail.radar.subject', { body: r.body, calls: calls.length, deadlines: deadlines.length }),
            template: 'funding-radar',
            data: {
              name: r.name,
              body: r.body,
              days: RADAR_DAYS,
              calls: calls.map((c) => ({ title: c.title, closes: f.date(c.closes_on), applied: c.applied, link: `${platform.config.baseUrl}/finanziamenti/avvisi/${c.id}` })),
              deadlines: deadlines.map((d) => ({ ...d, due: f.date(d.dueOn), link: `${platform.config.baseUrl}/finanziamenti/progetti/${d.projectId}` })),
              link: `${platform.config.baseUrl}/finanziamenti/enti/${entityId}`,
              profile: `${platform.config.baseUrl}/profilo`,
            },
          },
          transaction,
        );
      }
      await platform.audit.record(null, { action: 'funding.radar.send', subjectType: 'entity', subjectId: entityId, entityId, details: { week, calls: calls.length, deadlines: deadlines.length, recipients: to.length } }, transaction);
      sent++;
    });
  }
  return sent;
}
