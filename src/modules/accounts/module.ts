import type { AppModule } from '../../web/module.js';
import { initAccountModels } from './models.js';
import { accountsRouter } from './routes.js';
import { seedAccounts } from './seed.js';

export const accountsModule: AppModule = {
  name: 'accounts',
  initModels: initAccountModels,
  router: accountsRouter,
  seed: seedAccounts,
};
