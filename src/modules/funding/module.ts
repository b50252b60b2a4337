import type { AppModule } from '../../web/module.js';
import { initFundingModels } from './models.js';
import { seedFunding } from './seed.js';

export const fundingModule: AppModule = {
  name: 'funding',
  initModels: initFundingModels,
  seed: seedFunding,
};
