// Deadline reminders: before each stage of a granted project, at the warning and at the danger
// threshold, one mail to the body's RTD and to the centre's coach of the body — exactly once per
// project, stage and threshold (a row claims it in the transaction that enqueues the mails).
// The centre's coach of a body is chosen by staff on the body's funding page.
import { QueryTypes } from 'sequelize';
import { isStaff, type Actor } from '../../platform/actor.js';
import type { Platform } from '../../platform/context.js';
import { ForbiddenError, NotFoundError, ValidationError } from '../../platform/errors.js';
import { formattersFor } from '../../platform/format.js';
import { pickLanguage } from '../../platform/i18n.js';
import { msg } from '../../platform/messages.js';
import { activeStaff, findActiveStaff } from '../accounts/index.js';
import { findBody } from '../entities/index.js';
import { todayInRome } from '../tenders/index.js';
import { projectViewsWhere } from './service.js';

export const DEADLINE_REMINDER_JOB = 'funding.deadline-reminders';

type Recipient = { email: string; name: string; locale: string | null };

/** The body's RTD and the centre's coach of the body (active users only). */
async function recipientsOf(platform: Platform, entityId: number): Promise<Recipient[]> {
  return platform.sequelize.query<Recipient>(
    `SELECT DISTINCT u.email, COALESCE(NULLIF(u.name, ''), u.email) AS name, u.locale FROM users u
      WHERE u.status = 'active' AND (u.id = (SELECT rtd_user_id FROM entities WHERE id = :entityId) OR u.id = (SELECT user_id FROM funding_coaches WHERE entity_id = :entityId))`,
    { replacements: { entityId }, type: QueryTypes.SELECT },
  );
}

/**
 * Sends the reminders due today. `projectIds` limits the run to those projects (a test's own);
 * the job runs it for every admitted or funded project. Returns the reminders claimed.
 */
export async function sendDeadlineReminders(platform: Platform, opts: { today?: string; projectIds?: readonly number[] } = {}): Promise<number> {
  const today = opts.today ?? todayInRome();
  const where = `p.state IN ('admitted','funded')${opts.projectIds ? ' AND p.id IN (:ids)' : ''}`;
  if (opts.projectIds && !opts.projectIds.length) return 0;
  const projects = await projectViewsWhere(platform, where, { ids: opts.projectIds ?? [] }, today);
  let sent = 0;
  for (const p of projects) {
    for (const s of p.stages) {
      if (s.done || s.key === 'maintenance' || !s.dueOn || (s.level !== 'warning' && s.level !== 'danger')) continue;
      await platform.sequelize.transaction(async (transaction) => {
        const [claimed] = await platform.sequelize.query<{ project_id: number }>(
          `INSERT INTO funding_reminders (project_id, stage, threshold, due_on) VALUES (:projectId, :stage, :threshold, :dueOn)
           ON CONFLICT DO NOTHING RETURNING project_id`,
          { replacements: { projectId: p.id, stage: s.key, threshold: s.level, dueOn: s.dueOn }, type: QueryTypes.SELECT, transaction },
        );
        if (!claimed) return;
        const stage = msg(`funding:stage.${s.key}`);
        for (const r of await recipientsOf(platform, p.entityId)) {
          await platform.mail.send(
            {
              to: r.email,
              lang: pickLanguage(r.locale),
              subject: msg(s.level === 'danger' ? 'funding:mail.deadline.subjectDanger' : 'funding:mail.deadline.subject', { stage, days: s.daysLeft ?? 0, body: p.entityName }),
              template: 'funding-deadline',
              data: {
                name: r.name,
                stage,
                due: formattersFor(pickLanguage(r.locale)).date(s.dueOn),
                days: s.daysLeft ?? 0,
                danger: s.level === 'danger',
                body: p.entityName,
                project: p.title ?? p.callTitle,
                cup: p.cup,
                link: `${platform.config.baseUrl}/finanziamenti/progetti/${p.id}`,
              },
            },
            transaction,
          );
        }
        await platform.audit.record(null, { action: 'funding.deadline.remind', subjectType: 'funding_project', subjectId: p.id, entityId: p.entityId, details: { stage: s.key, threshold: s.level, dueOn: s.dueOn } }, transaction);
        sent++;
      });
    }
  }
  return sent;
}

// ---- The centre's coach of a body ----

export async function coachOf(platform: Platform, entityId: number): Promise<number | null> {
  const [row] = await platform.sequelize.query<{ user_id: number }>('SELECT user_id FROM funding_coaches WHERE entity_id = :entityId', { replacements: { entityId }, type: QueryTypes.SELECT });
  return row?.user_id ?? null;
}

export async function coachOptions(): Promise<Array<{ id: number; name: string }>> {
  return (await activeStaff()).map((p) => ({ id: p.id, name: p.name || p.email }));
}

/** Staff choose the centre's coach of a body (empty: none). */
export async function setCoach(platform: Platform, actor: Actor, entityId: number, input: unknown): Promise<void> {
  if (!isStaff(actor)) throw new ForbiddenError('funding:error.staffOnly', 'funding.coach.set');
  const body = await findBody(entityId);
  if (!body) throw new NotFoundError('funding:error.notFound');
  const raw = typeof (input as Record<string, unknown>)?.coachId === 'string' ? ((input as Record<string, string>).coachId ?? '').trim() : '';
  const coach = raw ? await findActiveStaff(/^[1-9][0-9]{0,9}$/.test(raw) ? Number(raw) : 0) : null;
  if (raw && !coach) throw new ValidationError({ coachId: 'funding:error.chooseCoach' });
  await platform.sequelize.transaction(async (transaction) => {
    if (coach) {
      await platform.sequelize.query(
        'INSERT INTO funding_coaches (entity_id, user_id) VALUES (:entityId, :userId) ON CONFLICT (entity_id) DO UPDATE SET user_id = EXCLUDED.user_id, updated_at = now()',
        { replacements: { entityId, userId: coach.id }, transaction },
      );
    } else await platform.sequelize.query('DELETE FROM funding_coaches WHERE entity_id = :entityId', { replacements: { entityId }, transaction });
    await platform.audit.record(actor, { action: 'funding.coach.set', subjectType: 'entity', subjectId: entityId, entityId, details: { coachId: coach?.id ?? null } }, transaction);
  });
}
