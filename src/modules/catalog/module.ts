import { QueryTypes } from 'sequelize';
import { isBodyUser, isStaff } from '../../platform/actor.js';
import type { AppModule, HomeCard } from '../../web/module.js';
import { entityCatalogPanel } from './adoption.js';
import { initCatalogModels } from './models.js';
import { catalogRouter } from './routes.js';
import { seedCatalog } from './seed.js';
import { viewerBody } from './service.js';

export const catalogModule: AppModule = {
  name: 'catalog',
  initModels: initCatalogModels,
  router: catalogRouter,
  nav: [{ labelKey: 'nav.catalog', href: '/catalogo', order: 10 }],
  footerLinks: [
    { label: 'Catalogo del riuso (CSV)', href: '/catalogo.csv' },
    { label: 'Catalogo del riuso (JSON)', href: '/catalogo.json' },
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
        title: 'Catalogo del riuso',
        text: 'Software, modelli di documento, kit e servizi condivisi ceduti da altri enti, con chi li usa già e come ottenerli.',
        href: '/catalogo',
        linkLabel: 'Esplora il catalogo',
        icon: 'it-software',
        count: counts.published,
      },
    ];
    if (isBodyUser(viewer)) {
      cards.push({
        title: 'Soluzioni adottate dal tuo ente',
        text: 'Dichiara quali soluzioni del catalogo il tuo ente usa o sta valutando: aiuti gli altri comuni a scegliere.',
        href: `/enti/${viewer!.entityId}#catalogo`,
        linkLabel: 'Vedi le adozioni',
        icon: 'it-check-circle',
        count: counts.own_adopted,
      });
    }
    if (body?.isCedent) {
      cards.push({
        title: 'Proponi una soluzione in riuso',
        text: 'Importa il publiccode.yml di un software del tuo ente o descrivi un modello o un kit: il centro lo rivede e lo pubblica.',
        href: '/catalogo/gestione',
        linkLabel: 'Gli asset del tuo ente',
        icon: 'it-upload',
        count: counts.own_open,
      });
    }
    if (isStaff(viewer)) {
      cards.push({
        title: 'Asset da revisionare',
        text: 'Le proposte degli enti cedenti in attesa di pubblicazione o di osservazioni.',
        href: '/catalogo/gestione?stato=submitted',
        linkLabel: 'Apri la revisione',
        icon: 'it-files',
        count: counts.submitted,
      });
      cards.push({
        title: 'Matrice delle adozioni',
        text: 'Quali enti usano, valutano o hanno scartato ciascuna soluzione, con l’esportazione in CSV.',
        href: '/catalogo/adozioni',
        linkLabel: 'Apri la matrice',
        icon: 'it-chart-line',
      });
    }
    return cards;
  },
};
