import type { AppModule } from '../../web/module.js';
import { runReminders } from './extras.js';
import { initTrainingModels } from './models.js';
import { runRetention, runWaitingList } from './registrations.js';
import { trainingRouter } from './routes.js';
import { seedTraining } from './seed.js';
import { trainingHomeCards } from './home.js';

export const WAITING_LIST_JOB = 'training.waiting-list';
export const REMINDERS_JOB = 'training.reminders';
export const RETENTION_JOB = 'training.retention';

export const trainingModule: AppModule = {
  name: 'training',
  initModels: initTrainingModels,
  router: trainingRouter,
  // The calendar is public; one's registrations and hours need a login (the page says so).
  nav: [{ labelKey: 'nav.training', href: '/formazione', order: 40 }],
  jobs: (platform) => [
    // Offers past their time go to the next in the list; seats released by a body's share are offered.
    { name: WAITING_LIST_JOB, cron: '*/5 * * * *', handler: async () => void (await runWaitingList(platform)) },
    { name: REMINDERS_JOB, cron: '*/10 * * * *', handler: async () => void (await runReminders(platform)) },
    { name: RETENTION_JOB, cron: '17 3 * * *', handler: async () => void (await runRetention(platform)) },
  ],
  seed: seedTraining,
  homeCards: trainingHomeCards,
};
