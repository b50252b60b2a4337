// A realistic catalogue at scale: 10,000 assets with Italian names and descriptions, from cedent
// bodies among 2,000 generated comuni, and 30,000 adoption declarations skewed towards popular
// assets (as in real life, a few solutions are used everywhere). Inserted in bulk with SQL.
import type { Sequelize } from 'sequelize';
import { columnsFrom, emptyDescription, emptyPubliccode, slugify } from '../src/modules/catalog/assets.js';
import { generateBodies } from './generate.js';

const PRODUCTS: Array<{ name: string; what: string; categories: string[]; scopes: string[]; italian: string[]; pnrr: string[] }> = [
  { name: 'Protocollo', what: 'protocollo informatico con gestione della PEC e del registro giornaliero', categories: ['document-management', 'workflow-management'], scopes: ['local-authorities', 'government'], italian: [], pnrr: [] },
  { name: 'Albo', what: 'albo pretorio online per la pubblicità legale degli atti', categories: ['document-management', 'regulations-and-directives'], scopes: ['local-authorities'], italian: ['spid'], pnrr: ['1.4.1'] },
  { name: 'Tributi', what: 'gestione dei tributi locali, IMU e TARI, con avvisi di pagamento', categories: ['taxes-management', 'billing-and-invoicing'], scopes: ['local-authorities', 'finance-and-economic-development'], italian: ['pagopa', 'io'], pnrr: ['1.4.3'] },
  { name: 'Anagrafe', what: 'servizi demografici collegati all’anagrafe nazionale della popolazione residente', categories: ['digital-citizenship', 'identity-management'], scopes: ['local-authorities', 'society'], italian: ['anpr', 'spid', 'cie'], pnrr: ['1.4.4'] },
  { name: 'Pagamenti', what: 'portale dei pagamenti pagoPA con posizioni debitorie e ricevute', categories: ['payment-gateway', 'billing-and-invoicing'], scopes: ['local-authorities'], italian: ['pagopa', 'io', 'spid'], pnrr: ['1.4.3'] },
  { name: 'Sportello', what: 'sportello telematico per pratiche edilizie e attività produttive', categories: ['business-process-management', 'digital-citizenship'], scopes: ['local-authorities', 'infrastructures'], italian: ['spid', 'cie', 'pagopa'], pnrr: ['1.4.1', '1.4.4'] },
  { name: 'Prenota', what: 'prenotazione degli appuntamenti con gli uffici comunali', categories: ['appointment-scheduling', 'online-booking'], scopes: ['local-authorities', 'society'], italian: ['spid', 'io'], pnrr: ['1.4.1'] },
  { name: 'Segnala', what: 'segnalazioni dei cittadini su strade, illuminazione e rifiuti', categories: ['customer-service-and-support', 'geographic-information-systems'], scopes: ['local-authorities', 'environment'], italian: ['spid', 'io'], pnrr: ['1.4.1'] },
  { name: 'Mensa', what: 'iscrizioni, presenze e pagamenti della mensa scolastica', categories: ['billing-and-invoicing', 'educational-content'], scopes: ['education', 'local-authorities'], italian: ['pagopa', 'spid'], pnrr: ['1.4.3'] },
  { name: 'Biblioteca', what: 'catalogo e prestiti della biblioteca civica', categories: ['integrated-library-system', 'content-management'], scopes: ['culture', 'education'], italian: ['spid'], pnrr: [] },
  { name: 'Conserva', what: 'conservazione a norma dei documenti informatici', categories: ['document-management', 'compliance-management'], scopes: ['local-authorities', 'government'], italian: [], pnrr: ['1.2'] },
  { name: 'Notifiche', what: 'invio degli atti con la piattaforma notifiche digitali', categories: ['communications', 'document-management'], scopes: ['local-authorities'], italian: ['io', 'pagopa'], pnrr: ['1.4.5'] },
  { name: 'Contabilità', what: 'contabilità finanziaria ed economico-patrimoniale dell’ente', categories: ['accounting', 'financial-reporting', 'budgeting'], scopes: ['local-authorities', 'finance-and-economic-development'], italian: [], pnrr: [] },
  { name: 'Personale', what: 'gestione giuridica ed economica del personale e delle presenze', categories: ['hr', 'payroll', 'time-tracking'], scopes: ['local-authorities', 'employment'], italian: [], pnrr: [] },
  { name: 'Cimiteri', what: 'gestione delle concessioni cimiteriali e delle lampade votive', categories: ['property-management', 'billing-and-invoicing'], scopes: ['local-authorities', 'society'], italian: ['pagopa'], pnrr: [] },
  { name: 'Sociale', what: 'cartella sociale e domande di contributo per i servizi sociali', categories: ['grant-management', 'crm'], scopes: ['welfare', 'local-authorities'], italian: ['spid', 'cie'], pnrr: ['1.4.1'] },
  { name: 'Dati', what: 'pubblicazione dei dati aperti e interoperabilità con la PDND', categories: ['data-analytics', 'data-visualization'], scopes: ['local-authorities', 'government'], italian: [], pnrr: ['1.3.1'] },
  { name: 'Cloud', what: 'migrazione dei servizi al cloud qualificato', categories: ['cloud-management', 'it-management'], scopes: ['local-authorities'], italian: [], pnrr: ['1.2'] },
  { name: 'Sito', what: 'sito istituzionale conforme al modello dei comuni di Designers Italia', categories: ['website-builder', 'content-management'], scopes: ['local-authorities'], italian: ['spid'], pnrr: ['1.4.1'] },
  { name: 'Polizia', what: 'verbali e sanzioni della polizia locale con pagamento online', categories: ['billing-and-invoicing', 'workflow-management'], scopes: ['security', 'local-authorities'], italian: ['pagopa', 'io'], pnrr: ['1.4.3'] },
];
const QUALIFIERS = ['Facile', 'Online', 'Comuni', 'Smart', 'PA', 'Aperto', 'Semplice', 'Digitale', 'Rete', 'Unico', 'Plus', 'Net', 'Territorio', 'Insieme', 'Veloce'];
const PLACES = ['Salento', 'Lucania', 'Irpinia', 'Brescia', 'Romagna', 'Liguria', 'Sila', 'Murge', 'Cilento', 'Valle', 'Laguna', 'Appennino'];
const OPENINGS = [
  'La soluzione è nata per i comuni con meno di cinquemila abitanti che non hanno un ufficio informatico.',
  'Il progetto è stato sviluppato in riuso tra più enti e manutenuto con un contratto condiviso.',
  'L’applicazione è in produzione da diversi anni ed è stata adottata da unioni di comuni e province.',
  'Il kit raccoglie l’esperienza dei responsabili per la transizione al digitale del territorio.',
];
const MIDDLES = [
  'Gli operatori lavorano da browser, senza installare nulla, e i cittadini accedono con identità digitale.',
  'I dati restano nel cloud qualificato scelto dall’ente e possono essere esportati in formati aperti.',
  'La documentazione spiega passo per passo la configurazione iniziale e la formazione degli uffici.',
  'Le integrazioni con le piattaforme nazionali seguono le linee guida AgID sull’interoperabilità.',
  'Il modello è stato condiviso con il responsabile della protezione dei dati e aggiornato al GDPR.',
];
const CLOSINGS = [
  'Il centro offre supporto al riuso e un incontro di avvio con i comuni interessati.',
  'Sono disponibili i modelli di determina e di convenzione per l’adozione.',
  'La comunità degli enti utilizzatori si incontra ogni trimestre per decidere le evoluzioni.',
];
const FEATURES = [
  'Accesso con SPID e CIE', 'Pagamenti con pagoPA', 'Messaggi sull’app IO', 'Esportazione dei dati in CSV', 'Firma digitale dei documenti',
  'Gestione dei ruoli e delle deleghe', 'Statistiche e cruscotti', 'API REST documentate', 'Interfaccia accessibile WCAG 2.1', 'Modelli di documento personalizzabili',
  'Conservazione a norma', 'Notifiche via email e PEC', 'Ricerca full text', 'Registro delle operazioni',
];
const LICENSES = ['EUPL-1.2', 'EUPL-1.2', 'AGPL-3.0-or-later', 'AGPL-3.0-or-later', 'GPL-3.0-or-later', 'MIT', 'Apache-2.0', 'CC-BY-4.0', 'CC-BY-SA-4.0', 'LGPL-3.0-or-later'];
const DEV_STATUS = ['stable', 'stable', 'stable', 'beta', 'development', 'obsolete', 'concept'];
const PLATFORMS = [['web'], ['web'], ['web', 'android', 'ios'], ['web', 'linux'], ['windows'], ['web', 'windows', 'linux']];

/** Deterministic pseudo-random numbers, so every run loads the same catalogue. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

export type CatalogScale = { assets: number; bodies: number; adoptions: number };

export async function generateCatalog(sequelize: Sequelize, scale: CatalogScale = { assets: 10_000, bodies: 2_000, adoptions: 30_000 }): Promise<{ bodyIds: number[]; popularSlug: string }> {
  const rand = rng(20261123);
  const pick = <T>(list: readonly T[]) => list[Math.floor(rand() * list.length)];
  const bodyIds = await generateBodies(sequelize, scale.bodies);
  const cedents = bodyIds.filter((_, i) => i % 25 === 0);
  const [demoCedents] = await sequelize.query(`SELECT id FROM entities WHERE is_cedent AND ipa_code NOT LIKE 'bench_%'`);
  cedents.push(...(demoCedents as Array<{ id: number }>).map((r) => r.id));

  const kinds = ['software', 'software', 'software', 'software', 'software', 'software', 'software', 'template', 'template', 'toolkit', 'toolkit', 'service'] as const;
  const rows: unknown[][] = [];
  for (let i = 0; i < scale.assets; i++) {
    const product = PRODUCTS[i % PRODUCTS.length];
    const kind = pick(kinds);
    const name = `${product.name} ${pick(QUALIFIERS)} ${pick(PLACES)} ${i + 1}`;
    const slug = `${slugify(name)}`;
    const url = kind === 'software' || rand() < 0.3 ? `https://git.example.org/enti/${slug}` : '';
    const pc = emptyPubliccode(name, url);
    pc.softwareVersion = `${1 + Math.floor(rand() * 5)}.${Math.floor(rand() * 10)}.${Math.floor(rand() * 10)}`;
    pc.releaseDate = `20${18 + Math.floor(rand() * 8)}-${String(1 + Math.floor(rand() * 12)).padStart(2, '0')}-${String(1 + Math.floor(rand() * 28)).padStart(2, '0')}`;
    pc.platforms = [...pick(PLATFORMS)];
    pc.categories = product.categories.slice(0, 1 + Math.floor(rand() * product.categories.length)) as typeof pc.categories;
    pc.intendedAudience.scope = [...product.scopes] as typeof pc.intendedAudience.scope;
    pc.developmentStatus = pick(DEV_STATUS) as typeof pc.developmentStatus;
    pc.softwareType = kind === 'software' ? 'standalone/web' : null;
    const features = [...new Set(Array.from({ length: 3 + Math.floor(rand() * 4) }, () => pick(FEATURES)))];
    pc.descriptions.it = {
      ...emptyDescription(),
      shortDescription: `${kind === 'software' ? 'Applicazione' : kind === 'template' ? 'Modello' : kind === 'toolkit' ? 'Kit' : 'Servizio'} per ${product.what}.`.slice(0, 150),
      longDescription: `${name} offre ai comuni ${product.what}. ${pick(OPENINGS)} ${pick(MIDDLES)} ${pick(MIDDLES)} ${pick(CLOSINGS)}`,
      features,
    };
    if (rand() < 0.2) {
      pc.descriptions.en = { ...emptyDescription(), shortDescription: `Software for ${product.name.toLowerCase()} in Italian municipalities.`, longDescription: `${name} is used by Italian municipalities. It is maintained in reuse by several public bodies.`, features: ['Digital identity sign-in'] };
    }
    pc.legal = { license: pick(LICENSES), licenseIsSpdx: true, mainCopyrightOwner: null, repoOwner: null, authorsFile: null };
    pc.maintenance = { type: 'internal', contractors: [], contacts: [{ name: 'Ufficio sistemi informativi', email: `sistemi${i}@example.org`, phone: null, affiliation: null }] };
    pc.localisation = { localisationReady: false, availableLanguages: ['it'] };
    for (const p of product.italian) if (rand() < 0.8) pc.italianPlatforms[p as keyof typeof pc.italianPlatforms] = true;
    const columns = columnsFrom(pc);
    const statusRoll = rand();
    const status = statusRoll < 0.9 ? 'published' : statusRoll < 0.95 ? 'draft' : statusRoll < 0.98 ? 'submitted' : 'archived';
    const publishedAt = new Date(Date.UTC(2022, 0, 1) + Math.floor(rand() * 1400) * 86_400_000);
    rows.push([
      `${slug}`, kind, status, pick(cedents), columns.name, columns.url, columns.urlKey, columns.shortDescription, columns.publisher, columns.softwareVersion,
      columns.releaseDate, columns.developmentStatus, columns.softwareType, columns.license, columns.categories, columns.scopes, columns.platforms,
      columns.italianPlatforms, rand() < 0.6 ? product.pnrr : [], [product.name.toLowerCase(), pick(PLACES).toLowerCase()], JSON.stringify(pc),
      status === 'published' ? publishedAt : null, status === 'archived' ? 'published' : null,
    ]);
  }
  const COLS = 23;
  for (let start = 0; start < rows.length; start += 500) {
    const chunk = rows.slice(start, start + 500);
    const values = chunk.map((_, r) => `(${Array.from({ length: COLS }, (_c, c) => `$${r * COLS + c + 1}`).join(', ')}, true, 'seed')`).join(',\n');
    await sequelize.query(
      `INSERT INTO catalog_assets (slug, kind, status, entity_id, name, url, url_key, short_description, publisher, software_version, release_date,
         development_status, software_type, license, categories, scopes, platforms, italian_platforms, pnrr_measures, tags, publiccode, published_at,
         archived_from, complete, source)
       VALUES ${values}`,
      { bind: chunk.flat() },
    );
  }

  // Adoptions: popularity follows a power law over the published assets.
  const [published] = (await sequelize.query(`SELECT id FROM catalog_assets WHERE status = 'published' ORDER BY id`)) as [Array<{ id: number }>, unknown];
  const statuses = ['in_use', 'in_use', 'in_use', 'evaluating', 'interested', 'dismissed'];
  const seen = new Set<string>();
  const adoptions: unknown[][] = [];
  while (adoptions.length < scale.adoptions) {
    const asset = published[Math.floor(published.length * rand() ** 3)].id;
    const body = bodyIds[Math.floor(rand() * bodyIds.length)];
    const key = `${asset}:${body}`;
    if (seen.has(key)) continue;
    seen.add(key);
    adoptions.push([asset, body, pick(statuses), `20${21 + Math.floor(rand() * 5)}-0${1 + Math.floor(rand() * 9)}-1${Math.floor(rand() * 9)}`]);
  }
  for (let start = 0; start < adoptions.length; start += 2000) {
    const chunk = adoptions.slice(start, start + 2000);
    const values = chunk.map((_, r) => `($${r * 4 + 1}, $${r * 4 + 2}, $${r * 4 + 3}, $${r * 4 + 4}::date)`).join(',');
    await sequelize.query(`INSERT INTO catalog_adoptions (asset_id, entity_id, status, since) VALUES ${values}`, { bind: chunk.flat() });
  }
  await sequelize.query(`
    UPDATE catalog_assets a SET in_use_count = c.in_use, adoption_count = c.active
      FROM (SELECT asset_id, count(*) FILTER (WHERE status = 'in_use') AS in_use, count(*) FILTER (WHERE status <> 'dismissed') AS active
              FROM catalog_adoptions GROUP BY asset_id) c
     WHERE c.asset_id = a.id`);
  await sequelize.query('ANALYZE catalog_assets; ANALYZE catalog_adoptions; ANALYZE entities;');
  const [top] = (await sequelize.query(`SELECT slug FROM catalog_assets WHERE status = 'published' AND source = 'seed' ORDER BY in_use_count DESC LIMIT 1`)) as [Array<{ slug: string }>, unknown];
  return { bodyIds, popularSlug: top[0].slug };
}
