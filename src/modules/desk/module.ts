import { Router } from 'express';
import { QueryTypes } from 'sequelize';
import { isAdmin, isStaff } from '../../platform/actor.js';
import type { AppModule, HomeCard } from '../../web/module.js';
import { SLA_RECOMPUTE_JOB } from './admin.js';
import { initDeskModels } from './models.js';
import { canOpenRequests, canSeeRequest } from './policy.js';
import { deskCounts } from './queries.js';
import { deskAdminRouter, deskRouter, knowledgeRouter } from './routes.js';
import { seedDesk } from './seed.js';
import { autoCloseDue, recomputeOpenSla, slaCheck } from './service.js';

export const AUTO_CLOSE_JOB = 'desk.auto-close';
export const SLA_CHECK_JOB = 'desk.sla-check';

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
  ],
  seed: seedDesk,
  homeCards: async (platform, viewer) => {
    const cards: HomeCard[] = [];
    if (viewer) {
      const counts = await deskCounts(platform, viewer);
      if (isStaff(viewer)) {
        cards.push(
          { title: 'La mia coda', text: 'Le richieste aperte assegnate a te, in ordine di scadenza.', href: '/richieste?assignee=me', linkLabel: 'Apri la mia coda', icon: 'it-inbox', count: counts.mine },
          { title: 'Richieste in ritardo', text: 'Richieste aperte che hanno superato la scadenza di prima risposta o di risoluzione.', href: '/richieste?overdue=1', linkLabel: 'Vedi le richieste in ritardo', icon: 'it-clock', count: counts.overdue },
          { title: 'Da assegnare', text: 'Richieste nuove in attesa di un operatore.', href: '/richieste?state=new', linkLabel: 'Vedi le richieste nuove', icon: 'it-horn', count: counts.unassigned },
        );
      } else if (canOpenRequests(viewer)) {
        cards.push(
          { title: 'Richieste del tuo ente', text: counts.waiting ? `Richieste aperte del tuo ente; ${counts.waiting} in attesa di una vostra risposta.` : 'Le richieste aperte del tuo ente al centro, con le risposte e le scadenze.', href: '/richieste', linkLabel: 'Vedi le richieste', icon: 'it-comment', count: counts.open },
          { title: 'Chiedi consulenza', text: 'Un dubbio legale, strategico, sugli appalti o sul riuso? Apri una richiesta al centro.', href: '/richieste/nuova', linkLabel: 'Apri una richiesta', icon: 'it-plus-circle' },
        );
      }
      if (isAdmin(viewer)) {
        cards.push({ title: 'Sportello e calendario', text: 'Obiettivi di servizio per categoria, chiusura automatica, supervisori e festività locali.', href: '/admin/sportello', linkLabel: 'Imposta lo sportello', icon: 'it-settings' });
      }
    }
    cards.push({ title: 'Base di conoscenza', text: 'Risposte del centro ai dubbi più comuni dei comuni, cercabili per parola.', href: '/conoscenza', linkLabel: 'Cerca nella base di conoscenza', icon: 'it-note' });
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
