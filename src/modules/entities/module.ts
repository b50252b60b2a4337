import type { AppModule } from '../../web/module.js';
import { initEntityModels } from './models.js';
import { entitiesRouter } from './routes.js';
import { seedEntities } from './seed.js';

export const entitiesModule: AppModule = {
  name: 'entities',
  initModels: initEntityModels,
  router: entitiesRouter,
  nav: [{ labelKey: 'nav.entities', href: '/enti', order: 60 }],
  seed: seedEntities,
};
