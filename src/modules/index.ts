// The business areas, in the order their demo data is loaded and their menu is built.
import { accountsModule } from './accounts/module.js';
import { adminModule } from './admin/module.js';
import { entitiesModule } from './entities/module.js';
import { homeModule } from './home/module.js';
import type { AppModule } from './registry.js';

export const modules: AppModule[] = [homeModule, entitiesModule, accountsModule, adminModule];
