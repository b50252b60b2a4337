// The business areas, in the order their demo data is loaded and their menu is built.
// Imported only by the composition root (src/boot.ts): an area never imports this list, it is handed
// what it needs (see Registry in src/web/module.ts).
import type { AppModule } from '../web/module.js';
import { accountsModule } from './accounts/module.js';
import { adminModule } from './admin/module.js';
import { coachingModule } from './coaching/module.js';
import { catalogModule } from './catalog/module.js';
import { deskModule } from './desk/module.js';
import { entitiesModule } from './entities/module.js';
import { fundingModule } from './funding/module.js';
import { groupsModule } from './groups/module.js';
import { homeModule } from './home/module.js';
import { newsModule } from './news/module.js';
import { tendersModule } from './tenders/module.js';
import { trainingModule } from './training/module.js';

export const modules: AppModule[] = [homeModule, entitiesModule, accountsModule, adminModule, catalogModule, deskModule, tendersModule, fundingModule, coachingModule, groupsModule, newsModule, trainingModule];
