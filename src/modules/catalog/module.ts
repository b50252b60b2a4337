import { QueryTypes } from 'sequelize';
import { isBodyUser, isStaff } from '../../platform/actor.js';
import type { AppModule, HomeCard } from '../../web/module.js';
import { entityCatalogPanel } from './adoption.js';
import { initCatalogModels } from './models.js';
import { catalogRouter } from './routes.js';
import { seedCatalog } from './seed.js';
import { viewerBody } from './service.js';

// Home cards and footer links are Messages (keys of locales/<lang>/catalog.json), translated by the pages that show them.
export const catalogModule: AppModule = {
  name: 'catalog',
  initModels: initCatalogModels,
  router: catalogRouter,
  nav: [{ labelKey: 'nav.catalog', href: '/catalogo', order: 10 }],
  footerLinks: [
    { label: 'catalog:home.footerCsv', href: '/catalogo.csv' },
    { label: 'catalog:home.footerJson', href: '/catalogo.json' },
  ],
  seed: seedCatalog,
  entityPanels: async (platform, viewer, entityId) => [{ view: 'catalog/entity-panel', locals: await entityCatalogPanel(platform, viewer, entityId) }],
  homeCards: async (platform, viewer) => {
    const body = await viewerBody(viewer);
    const [counts] = await platform.sequelize.query<{ published: number; submitted: number; own_open: number; own_adopted: number }>(
      `SELECT count(*) FILTER (WHERE status = 'published')::int AS published,
              count(*) FILTER (WHERE status = 'submitted')::int AS submitted,
              count(*) FILTER (WHERE entity_id = :body AND status IN ('draft','returned'))::int AS own_open,
              (SELECT count(*)::int FROM catalog_adoptions WHERE entity_id = :body AND status <> 'dismissed') AS own_adopted
         FROM catalog_assets`,
      { replacements: { body: viewer?.entityId ?? -1 }, type: QueryTypes.SELECT },
    );
    const cards: HomeCard[] = [
      {
        title: 'catalog:title',
        text: 'catalog:home.catalogText',
        href: '/catalogo',
        linkLabel: 'catalog:home.catalogLink',
        icon: 'it-software',
        count: counts.published,
      },
    ];
    if (isBodyUser(viewer)) {
      cards.push({
        title: 'catalog:home.adoptedTitle',
        text: 'catalog:home.adoptedText',
        href: `/enti/${viewer!.entityId}#catalogo`,
        linkLabel: 'catalog:home.adoptedLink',
        icon: 'it-check-circle',
        count: counts.own_adopted,
      });
    }
    if (body?.isCedent) {
      cards.push({
        title: 'catalog:home.proposeTitle',
        text: 'catalog:home.proposeText',
        href: '/catalogo/gestione',
        linkLabel: 'catalog:list.ownAssets',
        icon: 'it-upload',
        count: counts.own_open,
      });
    }
    if (isStaff(viewer)) {
      cards.push({
        title: 'catalog:home.reviewTitle',
        text: 'catalog:home.reviewText',
        href: '/catalogo/gestione?stato=submitted',
        linkLabel: 'catalog:home.reviewLink',
        icon: 'it-files',
        count: counts.submitted,
      });
      cards.push({
        title: 'catalog:matrix.title',
        text: 'catalog:home.matrixText',
        href: '/catalogo/adozioni',
        linkLabel: 'catalog:home.matrixLink',
        icon: 'it-chart-line',
      });
    }
    return cards;
  },
};
