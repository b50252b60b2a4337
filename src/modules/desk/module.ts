import { Router } from 'express';
import { QueryTypes } from 'sequelize';
import { isAdmin, isStaff } from '../../platform/actor.js';
import { msg } from '../../platform/messages.js';
import type { AppModule, HomeCard } from '../../web/module.js';
import { SLA_RECOMPUTE_JOB } from './admin.js';
import { initDeskModels } from './models.js';
import { canOpenRequests, canSeeRequest } from './policy.js';
import { fetchDeskMail } from './inbound.js';
import { deskCounts } from './queries.js';
import { deskAdminRouter, deskRouter, knowledgeRouter } from './routes.js';
import { seedDesk } from './seed.js';
import { autoCloseDue, recomputeOpenSla, slaCheck } from './service.js';

export const AUTO_CLOSE_JOB = 'desk.auto-close';
export const SLA_CHECK_JOB = 'desk.sla-check';
export const MAIL_FETCH_JOB = 'desk.mail-fetch';

export const deskModule: AppModule = {
  name: 'desk',
  initModels: initDeskModels,
  router: (platform) => {
    const router = Router();
    router.use(deskRouter(platform), knowledgeRouter(platform), deskAdminRouter(platform));
    return router;
  },
  nav: [
    { labelKey: 'nav.desk', href: '/richieste', order: 20, visible: (v) => !!v },
    { labelKey: 'desk:nav.knowledge', href: '/conoscenza', order: 25 },
  ],
  jobs: (platform) => [
    { name: AUTO_CLOSE_JOB, cron: '7 * * * *', handler: async () => void (await autoCloseDue(platform)) },
    { name: SLA_CHECK_JOB, cron: '*/10 * * * *', handler: async () => void (await slaCheck(platform)) },
    { name: SLA_RECOMPUTE_JOB, handler: async () => void (await recomputeOpenSla(platform)) },
    // Only with a mailbox configured; a failed run is not retried, the next one (two minutes on) is.
    ...(platform.config.deskImap
      ? [{ name: MAIL_FETCH_JOB, cron: '*/2 * * * *', retryLimit: 0, expireInSeconds: 600, handler: async () => void (await fetchDeskMail(platform)) }]
      : []),
  ],
  seed: seedDesk,
  // Titles, texts and link labels are Messages (desk:home.*), translated by the home page.
  homeCards: async (platform, viewer) => {
    const cards: HomeCard[] = [];
    const card = (name: string, href: string, icon: string, count?: number, text = msg(`desk:home.${name}.text`)): HomeCard => ({
      title: msg(`desk:home.${name}.title`),
      text,
      href,
      linkLabel: msg(`desk:home.${name}.link`),
      icon,
      count,
    });
    if (viewer) {
      const counts = await deskCounts(platform, viewer);
      if (isStaff(viewer)) {
        cards.push(
          card('mine', '/richieste?assignee=me', 'it-inbox', counts.mine),
          card('overdue', '/richieste?overdue=1', 'it-clock', counts.overdue),
          card('unassigned', '/richieste?state=new', 'it-horn', counts.unassigned),
        );
      } else if (canOpenRequests(viewer)) {
        cards.push(
          card('body', '/richieste', 'it-comment', counts.open, counts.waiting ? msg('desk:home.body.textWaiting', { count: counts.waiting }) : msg('desk:home.body.text')),
          card('ask', '/richieste/nuova', 'it-plus-circle'),
        );
      }
      if (isAdmin(viewer)) cards.push(card('settings', '/admin/sportello', 'it-settings'));
    }
    cards.push(card('knowledge', '/conoscenza', 'it-note'));
    return cards;
  },
  entityPanels: async (platform, viewer, entityId) => {
    if (!canSeeRequest(viewer, { entityId })) return [];
    const [row] = await platform.sequelize.query<{ open: string; waiting: string; total: string }>(
      `SELECT count(*) FILTER (WHERE state IN ('new','assigned','in_progress','waiting')) AS open,
              count(*) FILTER (WHERE state = 'waiting') AS waiting, count(*) AS total
         FROM desk_requests WHERE entity_id = :entityId`,
      { replacements: { entityId }, type: QueryTypes.SELECT },
    );
    return [{ view: 'desk/entity-panel', locals: { deskPanel: { entityId, open: Number(row.open), waiting: Number(row.waiting), total: Number(row.total), staff: isStaff(viewer) } } }];
  },
};
