import { QueryTypes } from 'sequelize';
import { isBodyUser, isStaff } from '../../platform/actor.js';
import type { JobDefinition } from '../../platform/jobs.js';
import { msg } from '../../platform/messages.js';
import type { AppModule, HomeCard } from '../../web/module.js';
import { overdueCount, sendMilestoneReminders } from './deadlines.js';
import { todayInRome } from './dates.js';
import { initTenderModels } from './models.js';
import { sendNeedsReminders } from './needs.js';
import { canCreateOwnDossier, canSeeParticipation } from './policy.js';
import { tendersRouter } from './routes.js';
import { seedTenders } from './seed.js';
import { ownDossiersOfEntity, participationsOfEntity } from './service.js';

export const NEEDS_REMINDER_JOB = 'tenders.needs-reminders';
export const MILESTONE_REMINDER_JOB = 'tenders.milestone-reminders';

export const tendersModule: AppModule = {
  name: 'tenders',
  initModels: initTenderModels,
  router: tendersRouter,
  // Everyone sees the menu item: staff every dossier, a body's users the dossiers of their body,
  // visitors the public ones.
  nav: [{ labelKey: 'nav.tenders', href: '/gare', order: 30 }],
  footerLinks: [{ label: 'tenders:openData', href: '/gare/ocds.json' }],
  jobs: (platform) =>
    [
      // Hourly: each run sends only what is due and not sent yet, so a missed run loses nothing.
      { name: NEEDS_REMINDER_JOB, cron: '7 * * * *', handler: async () => void (await sendNeedsReminders(platform)) },
      { name: MILESTONE_REMINDER_JOB, cron: '12 * * * *', handler: async () => void (await sendMilestoneReminders(platform)) },
    ] as JobDefinition<never>[],
  seed: seedTenders,
  homeCards: async (platform, viewer) => {
    const cards: HomeCard[] = [];
    if (isStaff(viewer)) {
      const [active] = await platform.sequelize.query<{ n: number }>(`SELECT count(*)::int AS n FROM tender_dossiers WHERE phase NOT IN ('closed','cancelled')`, { type: QueryTypes.SELECT });
      const { overdue, upcoming } = await overdueCount(platform);
      cards.push({ title: 'tenders:title', text: 'tenders:home.activeText', href: '/gare?phase=active', linkLabel: 'tenders:home.activeLink', icon: 'it-files', count: active.n });
      cards.push({
        title: 'tenders:deadlines',
        text: overdue ? msg('tenders:home.deadlinesOverdue', { overdue, upcoming, days: 7 }) : msg('tenders:home.deadlinesUpcoming', { upcoming, days: 7 }),
        href: '/gare/scadenze',
        linkLabel: 'tenders:home.deadlinesLink',
        icon: 'it-calendar',
        count: overdue + upcoming,
      });
      return cards;
    }
    if (isBodyUser(viewer)) {
      const [r] = await platform.sequelize.query<{ dossiers: number; to_answer: number }>(
        `SELECT (SELECT count(*) FROM tender_participants p JOIN tender_dossiers d ON d.id = p.dossier_id
                  WHERE p.entity_id = :entityId AND d.phase NOT IN ('closed','cancelled'))::int AS dossiers,
                (SELECT count(*) FROM tender_needs_invitations i JOIN tender_needs_calls c ON c.id = i.call_id JOIN tender_dossiers d ON d.id = c.dossier_id
                  WHERE i.entity_id = :entityId AND c.closed_at IS NULL AND d.phase = 'needs_collection' AND c.deadline_on >= :today
                    AND NOT EXISTS (SELECT 1 FROM tender_needs_answers a WHERE a.call_id = c.id AND a.entity_id = i.entity_id))::int AS to_answer`,
        { replacements: { entityId: viewer!.entityId, today: todayInRome() }, type: QueryTypes.SELECT },
      );
      if (r.to_answer > 0) {
        const text = r.to_answer === 1 ? msg('tenders:home.needsTextOne') : msg('tenders:home.needsTextMany', { count: r.to_answer });
        cards.push({ title: 'tenders:list.needsToAnswer', text, href: '/gare?phase=needs_collection', linkLabel: 'tenders:home.needsLink', icon: 'it-clock', count: r.to_answer });
      }
      cards.push({ title: 'tenders:home.ownTitle', text: 'tenders:home.ownText', href: '/gare', linkLabel: 'tenders:home.seeTenders', icon: 'it-files', count: r.dossiers });
      return cards;
    }
    const [pub] = await platform.sequelize.query<{ n: number }>('SELECT count(*)::int AS n FROM tender_dossiers WHERE is_public', { type: QueryTypes.SELECT });
    cards.push({ title: 'tenders:title', text: 'tenders:home.publicText', href: '/gare', linkLabel: 'tenders:home.seeTenders', icon: 'it-files', count: pub.n });
    return cards;
  },
  entityPanels: async (platform, viewer, entityId) => {
    if (!canSeeParticipation(viewer, entityId)) return [];
    const [rows, ownRows] = await Promise.all([participationsOfEntity(platform, entityId), ownDossiersOfEntity(platform, entityId)]);
    return [{ view: 'tenders/entity-panel', locals: { tenderRows: rows, ownRows, tenderEntityId: entityId, canCreateOwn: canCreateOwnDossier(viewer, entityId) } }];
  },
};
