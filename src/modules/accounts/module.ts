import type { AppModule } from '../../web/module.js';
import { initAccountModels } from './models.js';
import { accountsRouter } from './routes.js';
import { seedAccounts } from './seed.js';

export const accountsModule: AppModule = {
  name: 'accounts',
  initModels: initAccountModels,
  router: accountsRouter,
  seed: seedAccounts,
  // The login and reset counters of a day ago say nothing any more.
  jobs: (platform) => [{ name: 'accounts.prune-limits', cron: '17 * * * *', handler: async () => void (await platform.limits.prune()) }],
};
