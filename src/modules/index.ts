// The business areas, in the order their demo data is loaded and their menu is built.
import { accountsModule } from './accounts/module.js';
import { adminModule } from './admin/module.js';
import { catalogModule } from './catalog/module.js';
import { deskModule } from './desk/module.js';
import { entitiesModule } from './entities/module.js';
import { homeModule } from './home/module.js';
import type { AppModule } from './registry.js';
import { tendersModule } from './tenders/module.js';

export const modules: AppModule[] = [homeModule, entitiesModule, accountsModule, adminModule, catalogModule, deskModule, tendersModule];
