import { isBodyUser, isStaff } from '../../platform/actor.js';
import { msg } from '../../platform/messages.js';
import type { AppModule, HomeCard } from '../../web/module.js';
import { formatCents } from '../tenders/index.js';
import { initFundingModels } from './models.js';
import { canSeeBodyFunding } from './policy.js';
import { fundingRouter } from './routes.js';
import { DEADLINE_REMINDER_JOB, sendDeadlineReminders } from './reminders.js';
import { RADAR_CRON, RADAR_JOB, sendRadar } from './radar.js';
import { IMPORT_JOB, runImport } from './upload.js';
import { seedFunding } from './seed.js';
import { bodySummary, countOpenCalls } from './service.js';

export const fundingModule: AppModule = {
  name: 'funding',
  initModels: initFundingModels,
  router: fundingRouter,
  // Calls are public; projects need a login (the list says so).
  nav: [{ labelKey: 'nav.funding', href: '/finanziamenti/avvisi', order: 35 }],
  seed: seedFunding,
  // Every morning: reminders of the stages that entered the warning or the danger threshold.
  // Every Monday: the radar, a digest per body of its open calls and its deadlines in the next 30 days.
  jobs: (platform) => [
    { name: DEADLINE_REMINDER_JOB, cron: '17 7 * * *', handler: async () => void (await sendDeadlineReminders(platform)) },
    { name: RADAR_JOB, cron: RADAR_CRON, handler: async () => void (await sendRadar(platform)) },
    // An import started from the upload page (a 50,000-row file outlasts any request).
    { name: IMPORT_JOB, expireInSeconds: 3600, retryLimit: 2, handler: async (data: { importId: number }) => runImport(platform, data.importId) },
  ],
  homeCards: async (platform, viewer) => {
    const cards: HomeCard[] = [];
    const open = await countOpenCalls(platform);
    if (isBodyUser(viewer)) {
      const s = await bodySummary(platform, viewer!.entityId!);
      cards.push({
        title: 'funding:home.bodyTitle',
        text: msg('funding:home.bodyText', { projects: s.projects, granted: formatCents(s.grantedCents), open: s.openCalls }),
        href: `/finanziamenti/enti/${viewer!.entityId}`,
        linkLabel: 'funding:home.bodyLink',
        icon: 'it-chart-line',
        count: s.projects,
      });
      return cards;
    }
    cards.push({
      title: 'funding:home.callsTitle',
      text: isStaff(viewer) ? 'funding:home.callsTextStaff' : 'funding:home.callsText',
      href: isStaff(viewer) ? '/finanziamenti' : '/finanziamenti/avvisi?state=open',
      linkLabel: isStaff(viewer) ? 'funding:home.projectsLink' : 'funding:home.callsLink',
      icon: 'it-chart-line',
      count: open,
    });
    return cards;
  },
  entityPanels: async (platform, viewer, entityId) => {
    if (!canSeeBodyFunding(viewer, entityId)) return [];
    return [{ view: 'funding/entity-panel', locals: { fundingSummary: await bodySummary(platform, entityId), fundingEntityId: entityId, formatCents } }];
  },
};
