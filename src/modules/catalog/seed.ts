// Demo catalogue: what the Provincia di Brescia and the Comune di Russi cede in reuse — software
// imported from publiccode.yml files (seed-data/), document templates, toolkits and shared
// services — and the adoptions declared by the demo comuni.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Platform } from '../../platform/context.js';
import { ROOT } from '../../platform/paths.js';
import { findPersonByEmail } from '../accounts/index.js';
import { findBodyByIpa } from '../entities/index.js';
import { recountAdoptions } from './adoption.js';
import { columnsFrom, emptyDescription, emptyPubliccode, uniqueSlug } from './assets.js';
import { demoDeterminaDocx } from './demo-template.js';
import { upsertFromPubliccode } from './importer.js';
import { Adoption, Asset, AssetFile, type AdoptionStatus, type AssetKind, type AssetStatus } from './models.js';
import { parsePubliccode } from './publiccode.js';
import { recordEvent, refreshCompleteness } from './service.js';

export const SEED_FILES = ['albo-pretorio.yml', 'prenota-uffici.yml', 'russi-segnala.yml', 'tema-sito-comunale.yml', 'pagamenti-pagopa.yml'];

/** Read from the source tree (the compiled build in dist/ has no copy of these files). */
export function seedFile(name: string): Buffer {
  return readFileSync(path.join(ROOT, 'src', 'modules', 'catalog', 'seed-data', name));
}

/** A one-page PDF with the given lines (ASCII), so the demo attachments are real files. */
export function simplePdf(lines: string[]): Buffer {
  const esc = (s: string) => s.replace(/[\\()]/g, '\\$&');
  const text = lines.map((l, i) => `BT /F1 ${i === 0 ? 16 : 11} Tf 56 ${790 - i * 22} Td (${esc(l)}) Tj ET`).join('\n');
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${Buffer.byteLength(text)} >>\nstream\n${text}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let body = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((o, i) => {
    offsets.push(Buffer.byteLength(body));
    body += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = Buffer.byteLength(body);
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(body, 'latin1');
}

type SeedContent = {
  kind: Exclude<AssetKind, 'software'>;
  cedent: string;
  status: AssetStatus;
  name: string;
  short: string;
  long: string;
  features: string[];
  license: string;
  categories: string[];
  scopes: string[];
  pnrr?: string[];
  tags?: string[];
  landingURL?: string;
  contact?: { name: string; email: string };
  attachment?: { title: string; file: string; lines: string[] };
  /** A template of a tender document type: its editable DOCX, which the tenders area fills. */
  documentTemplate?: { documentType: string; title: string; file: string; content: () => Buffer };
};

const CONTENT: SeedContent[] = [
  {
    kind: 'template',
    cedent: 'p_bs',
    status: 'published',
    name: 'Determina a contrarre per affidamento diretto',
    short: 'Modello di decisione di contrarre e di affidamento diretto (D.Lgs. 36/2023, art. 17 c. 2 e art. 50 c. 1) che le gare del comune compilano con i dati della pratica.',
    long: 'Il modello riporta tutto ciò che l’art. 17, comma 2, del D.Lgs. 36/2023 chiede alla decisione di contrarre di un affidamento diretto: oggetto, importo, contraente, ragioni della scelta e requisiti, con il RUP, il CIG e il CUP quando ci sono. Dalla pratica di gara del comune (Gare → la pratica → Parti da un modello) si scarica già compilato in formato DOCX modificabile; dopo la firma digitale si carica nella pratica come versione del documento. Campi disponibili per chi prepara altri modelli: {comune}, {titolo}, {oggetto}, {categoria}, {procedura}, {importo}, {cig}, {cup}, {cpv}, {fornitore}, {fornitoreCf}, {ragioni}, {requisiti}, {rup}, {lettera}, {data}.',
    features: ['Testo conforme all’art. 17, comma 2, del D.Lgs. 36/2023', 'Compilato con i dati della pratica di gara', 'DOCX modificabile con qualunque programma di videoscrittura', 'Pronto per la firma digitale (.p7m)'],
    license: 'CC-BY-4.0',
    categories: ['procurement', 'regulations-and-directives'],
    scopes: ['local-authorities'],
    tags: ['determina a contrarre', 'affidamento diretto', 'D.Lgs. 36/2023', 'gara'],
    contact: { name: 'Ufficio CIT della Provincia di Brescia', email: 'cit@provincia.brescia.it' },
    documentTemplate: { documentType: 'determina_a_contrarre', title: 'Modello di determina (DOCX)', file: 'determina-a-contrarre-affidamento-diretto.docx', content: demoDeterminaDocx },
  },
  {
    kind: 'template',
    cedent: 'p_bs',
    status: 'published',
    name: 'Regolamento per l’uso degli strumenti informatici e telematici',
    short: 'Modello di regolamento comunale sull’uso di PC, posta elettronica, internet e dispositivi mobili da parte dei dipendenti, aggiornato al GDPR.',
    long: 'Il regolamento disciplina l’uso degli strumenti informatici dell’ente da parte di dipendenti, amministratori e collaboratori: postazioni di lavoro, credenziali, posta elettronica e PEC, navigazione, dispositivi mobili, lavoro agile, conservazione dei log e controlli ammessi dallo Statuto dei lavoratori. Il modello è stato approvato dalla Provincia di Brescia con il parere del Responsabile della protezione dei dati ed è già stato adottato da decine di comuni del CIT: basta adattare le parti evidenziate e approvarlo con delibera di giunta.',
    features: ['Testo del regolamento in formato modificabile', 'Nota per la delibera di approvazione', 'Informativa ai dipendenti sui controlli', 'Riferimenti a GDPR, CAD e Misure minime AgID'],
    license: 'CC-BY-4.0',
    categories: ['regulations-and-directives', 'it-security', 'compliance-management'],
    scopes: ['local-authorities', 'government'],
    tags: ['regolamento', 'GDPR', 'sicurezza informatica', 'lavoro agile'],
    contact: { name: 'Ufficio CIT della Provincia di Brescia', email: 'cit@provincia.brescia.it' },
    attachment: {
      title: 'Modello di regolamento (PDF)',
      file: 'regolamento-strumenti-informatici.pdf',
      lines: ['Regolamento per l\'uso degli strumenti informatici e telematici', 'Modello predisposto dalla Provincia di Brescia per i comuni del CIT', 'Art. 1 - Oggetto e ambito di applicazione', 'Art. 2 - Postazioni di lavoro e credenziali', 'Art. 3 - Posta elettronica e PEC', 'Art. 4 - Navigazione in internet', 'Art. 5 - Dispositivi mobili e lavoro agile', 'Art. 6 - Controlli e conservazione dei log'],
    },
  },
  {
    kind: 'toolkit',
    cedent: 'p_bs',
    status: 'published',
    name: 'Kit per la migrazione al cloud dei piccoli comuni',
    short: 'Metodo, checklist e modelli per censire i servizi, scegliere i servizi cloud qualificati e rendicontare la misura PNRR 1.2.',
    long: 'Il kit accompagna i comuni sotto i 5.000 abitanti nella migrazione dei servizi al cloud finanziata dalla misura 1.2 del PNRR: censimento degli applicativi e dei server, classificazione dei dati secondo il regolamento ACN, scelta tra i servizi qualificati del catalogo ACN, piano di migrazione, verifica della conformità prima dell’asseverazione. Comprende i modelli di determina e di contratto usati dalla Provincia di Brescia e le domande più frequenti raccolte negli incontri con gli RTD.',
    features: ['Checklist di censimento degli applicativi', 'Modello di piano di migrazione', 'Guida all’asseverazione della misura 1.2', 'Domande frequenti degli RTD'],
    license: 'CC-BY-4.0',
    categories: ['cloud-management', 'it-management', 'project-management'],
    scopes: ['local-authorities'],
    pnrr: ['1.2'],
    tags: ['cloud', 'PNRR', 'ACN', 'migrazione'],
    attachment: {
      title: 'Checklist di migrazione (PDF)',
      file: 'kit-migrazione-cloud-checklist.pdf',
      lines: ['Kit per la migrazione al cloud - Checklist', '1. Censimento degli applicativi e dei server', '2. Classificazione dei dati (regolamento ACN)', '3. Scelta dei servizi qualificati', '4. Piano di migrazione e contratti', '5. Verifica prima dell\'asseverazione'],
    },
  },
  {
    kind: 'template',
    cedent: 'p_bs',
    status: 'published',
    name: 'Capitolato tipo per servizi cloud qualificati',
    short: 'Capitolato e disciplinare tipo per acquistare servizi SaaS qualificati ACN, con clausole su dati, uscita dal servizio e livelli di servizio.',
    long: 'Il capitolato tipo raccoglie le clausole che la Provincia di Brescia usa nelle gare aggregate per i servizi cloud dei comuni: localizzazione e portabilità dei dati, obblighi alla cessazione del contratto, livelli di servizio e penali, sicurezza e notifica degli incidenti, nomina a responsabile del trattamento. È pensato per affidamenti diretti e procedure negoziate sotto soglia secondo il D.Lgs. 36/2023.',
    features: ['Capitolato tecnico con livelli di servizio', 'Clausole sulla portabilità e restituzione dei dati', 'Accordo di nomina a responsabile del trattamento', 'Note per affidamenti sotto soglia'],
    license: 'CC-BY-4.0',
    categories: ['procurement', 'cloud-management'],
    scopes: ['local-authorities', 'government'],
    pnrr: ['1.2'],
    tags: ['capitolato', 'gara', 'cloud', 'D.Lgs. 36/2023'],
    landingURL: 'https://www.provincia.brescia.it/cit/modelli',
  },
  {
    kind: 'service',
    cedent: 'p_bs',
    status: 'published',
    name: 'Conservazione digitale a norma in forma associata',
    short: 'Servizio di conservazione dei documenti informatici offerto dalla Provincia di Brescia ai comuni aderenti, con manuale di conservazione condiviso.',
    long: 'La Provincia di Brescia offre ai comuni aderenti al CIT il servizio di conservazione a norma dei documenti informatici (registro di protocollo, atti, fatture, contratti) tramite un conservatore qualificato, con un manuale di conservazione unico e la nomina del responsabile della conservazione in forma associata. Il comune firma una convenzione, configura i versamenti dal proprio protocollo e riceve i rapporti di versamento; la Provincia cura i rapporti con il conservatore e le verifiche periodiche.',
    features: ['Convenzione tipo e manuale di conservazione condiviso', 'Versamenti automatici dal protocollo informatico', 'Verifiche periodiche e rapporti di versamento', 'Supporto del CIT per la configurazione'],
    license: 'CC-BY-4.0',
    categories: ['document-management', 'compliance-management'],
    scopes: ['local-authorities'],
    tags: ['conservazione', 'documenti informatici', 'servizio associato'],
    landingURL: 'https://www.provincia.brescia.it/cit/conservazione',
    contact: { name: 'Servizio conservazione del CIT', email: 'conservazione@provincia.brescia.it' },
  },
  {
    kind: 'service',
    cedent: 'p_bs',
    status: 'published',
    name: 'Sportello di supporto SPID e CIE per i comuni',
    short: 'Supporto di secondo livello agli operatori comunali che rilasciano o aiutano a usare SPID e CIE, con formazione e materiali per i cittadini.',
    long: 'Lo sportello risponde agli operatori dei comuni aderenti sui problemi di accesso con SPID e CIE ai servizi online, sull’adesione alle federazioni e sull’integrazione dei servizi comunali con l’identità digitale (misura PNRR 1.4.4). Offre due webinar l’anno per gli operatori, locandine e guide per i cittadini e un canale dedicato per i casi urgenti.',
    features: ['Supporto di secondo livello agli operatori', 'Webinar di aggiornamento', 'Locandine e guide per i cittadini', 'Assistenza sull’integrazione dei servizi online'],
    license: 'CC-BY-4.0',
    categories: ['identity-management', 'help-desk'],
    scopes: ['local-authorities', 'society'],
    pnrr: ['1.4.4'],
    tags: ['SPID', 'CIE', 'identità digitale'],
    landingURL: 'https://www.provincia.brescia.it/cit/spid-cie',
  },
  {
    kind: 'template',
    cedent: 'c_h642',
    status: 'published',
    name: 'Informativa privacy per i servizi online del comune',
    short: 'Modello di informativa sul trattamento dei dati per i servizi online, i pagamenti pagoPA e le comunicazioni sull’app IO.',
    long: 'Il Comune di Russi cede il modello di informativa ai sensi degli articoli 13 e 14 del GDPR che accompagna i suoi servizi online: accesso con SPID e CIE, pagamenti pagoPA, messaggi sull’app IO, segnalazioni dei cittadini. Il modello indica per ciascun trattamento la base giuridica, i tempi di conservazione e i responsabili esterni tipici, da completare con i dati del proprio ente.',
    features: ['Informativa generale per il sito', 'Sezioni per pagoPA, app IO, SPID e CIE', 'Tabella dei tempi di conservazione', 'Istruzioni per l’adattamento'],
    license: 'CC-BY-4.0',
    categories: ['compliance-management', 'digital-citizenship'],
    scopes: ['local-authorities'],
    pnrr: ['1.4.1', '1.4.3'],
    tags: ['privacy', 'GDPR', 'informativa', 'pagoPA', 'app IO'],
    attachment: {
      title: 'Modello di informativa (PDF)',
      file: 'informativa-servizi-online.pdf',
      lines: ['Informativa sul trattamento dei dati personali', 'Servizi online del Comune - modello del Comune di Russi', '1. Titolare e Responsabile della protezione dei dati', '2. Finalita\' e base giuridica', '3. Pagamenti pagoPA e messaggi sull\'app IO', '4. Tempi di conservazione'],
    },
  },
  {
    kind: 'toolkit',
    cedent: 'c_h642',
    status: 'submitted',
    name: 'Checklist di accessibilità per i siti comunali',
    short: 'Verifiche pratiche per la dichiarazione di accessibilità annuale del sito comunale e per i documenti pubblicati.',
    long: 'La checklist guida il redattore nella verifica delle pagine e dei documenti del sito prima della dichiarazione di accessibilità da pubblicare entro il 23 settembre di ogni anno: titoli, testi alternativi, contrasto, moduli, PDF accessibili, video sottotitolati. Per ogni punto indica lo strumento gratuito con cui controllarlo e il criterio WCAG 2.1 di riferimento.',
    features: ['Checklist per pagine e documenti', 'Strumenti gratuiti di verifica', 'Criteri WCAG 2.1 di riferimento', 'Calendario degli adempimenti'],
    license: 'CC-BY-4.0',
    categories: ['compliance-management', 'content-management'],
    scopes: ['local-authorities'],
    pnrr: ['1.4.1'],
    tags: ['accessibilità', 'WCAG', 'dichiarazione di accessibilità'],
    attachment: {
      title: 'Checklist (PDF)',
      file: 'checklist-accessibilita.pdf',
      lines: ['Checklist di accessibilita\' per i siti comunali', 'Comune di Russi', '1. Titoli e struttura delle pagine', '2. Testi alternativi delle immagini', '3. Contrasto dei colori', '4. Documenti PDF accessibili'],
    },
  },
];

/** Adoptions by the demo comuni: slug-independent, by asset name. */
const ADOPTIONS: Array<{ asset: string; entries: Array<[string, AdoptionStatus, string, string?]> }> = [
  { asset: 'Albo Pretorio CIT', entries: [['c_d862', 'in_use', '2023-05-02'], ['c_g188', 'in_use', '2023-09-15'], ['c_c336', 'in_use', '2024-01-10'], ['c_e815', 'in_use', '2024-06-03', 'Integrato con il nostro protocollo in due settimane.'], ['c_g942', 'evaluating', '2025-09-01'], ['c_a509', 'interested', '2025-10-20']] },
  { asset: 'Prenota Uffici', entries: [['c_e506', 'in_use', '2024-02-12'], ['c_g942', 'in_use', '2024-11-04', 'Usato per anagrafe e tributi.'], ['c_f101', 'evaluating', '2025-07-01'], ['c_h642', 'interested', '2025-05-19']] },
  { asset: 'Russi Segnala', entries: [['c_h642', 'in_use', '2022-04-01'], ['c_b413', 'in_use', '2024-03-18'], ['c_e979', 'evaluating', '2025-08-25'], ['c_i887', 'dismissed', '2024-10-01', 'Abbiamo già un servizio della Unione.']] },
  { asset: 'Regolamento per l’uso degli strumenti informatici e telematici', entries: [['c_d862', 'in_use', '2023-02-20'], ['c_g188', 'in_use', '2023-04-11'], ['c_c336', 'in_use', '2023-04-28'], ['c_i887', 'in_use', '2023-06-07'], ['c_f101', 'in_use', '2023-10-16'], ['c_i800', 'in_use', '2024-01-22'], ['c_a185', 'evaluating', '2025-09-30'], ['c_h642', 'in_use', '2024-05-06']] },
  { asset: 'Kit per la migrazione al cloud dei piccoli comuni', entries: [['c_c336', 'in_use', '2023-11-13'], ['c_g378', 'in_use', '2024-02-05'], ['c_i800', 'in_use', '2024-03-04'], ['c_a185', 'in_use', '2024-04-15'], ['c_b413', 'evaluating', '2025-06-09']] },
  { asset: 'Capitolato tipo per servizi cloud qualificati', entries: [['c_g942', 'in_use', '2024-09-09'], ['c_a509', 'in_use', '2025-01-13'], ['c_m403', 'evaluating', '2025-10-06']] },
  { asset: 'Conservazione digitale a norma in forma associata', entries: [['c_e815', 'interested', '2025-04-01'], ['c_g188', 'evaluating', '2025-09-22']] },
  { asset: 'Sportello di supporto SPID e CIE per i comuni', entries: [['c_d862', 'in_use', '2024-10-01'], ['c_e979', 'in_use', '2024-10-01'], ['c_g378', 'interested', '2025-03-03']] },
  { asset: 'Informativa privacy per i servizi online del comune', entries: [['c_e815', 'in_use', '2025-02-17'], ['c_g942', 'interested', '2025-06-30']] },
  { asset: 'Tema Siti Comunali', entries: [['c_g188', 'in_use', '2024-07-01'], ['c_c336', 'in_use', '2024-07-01'], ['c_i887', 'in_use', '2024-09-02'], ['c_h642', 'in_use', '2024-06-24'], ['c_g942', 'in_use', '2024-12-02']] },
];

export async function seedCatalog(platform: Platform): Promise<void> {
  const ipa = (code: string) => findBodyByIpa(code);
  const russiRtd = await findPersonByEmail('rtd@russi.cithub.example');
  const staff = await findPersonByEmail('staff@cithub.example');

  // Software: imported from the publiccode.yml files, as the command line does.
  for (const file of SEED_FILES) {
    const result = parsePubliccode(seedFile(file));
    if (!result.ok) throw new Error(`seed file ${file}: ${result.reason}`);
    const draft = file === 'pagamenti-pagopa.yml';
    const cedent = result.asset.cedentIpaCode ? await ipa(result.asset.cedentIpaCode) : null;
    const { asset } = await upsertFromPubliccode(platform, null, {
      asset: result.asset,
      warnings: result.warnings,
      source: 'seed',
      entityId: cedent?.id ?? null,
      status: (_existing, complete) => (complete && !draft ? 'published' : 'draft'),
      fileName: file,
    });
    if (draft && russiRtd) await asset.update({ createdBy: russiRtd.id });
  }

  // Templates, toolkits and services.
  for (const c of CONTENT) {
    if (await Asset.findOne({ where: { name: c.name }, attributes: ['id'] })) continue;
    const cedent = await ipa(c.cedent);
    const pc = emptyPubliccode(c.name, '');
    pc.landingURL = c.landingURL ?? null;
    pc.categories = c.categories as typeof pc.categories;
    pc.intendedAudience.scope = c.scopes as typeof pc.intendedAudience.scope;
    pc.descriptions.it = { ...emptyDescription(), shortDescription: c.short, longDescription: c.long, features: c.features };
    pc.legal = { license: c.license, licenseIsSpdx: true, mainCopyrightOwner: null, repoOwner: null, authorsFile: null };
    pc.maintenance = { type: c.contact ? 'internal' : null, contractors: [], contacts: c.contact ? [{ name: c.contact.name, email: c.contact.email, phone: null, affiliation: null }] : [] };
    pc.localisation = { localisationReady: false, availableLanguages: ['it'] };
    pc.cedentIpaCode = cedent?.ipaCode ?? null;
    const author = c.cedent === 'c_h642' ? russiRtd : staff;
    await platform.sequelize.transaction(async (transaction) => {
      const asset = await Asset.create(
        {
          slug: await uniqueSlug(platform.sequelize, c.name, transaction),
          kind: c.kind,
          status: 'draft',
          archivedFrom: null,
          entityId: cedent?.id ?? null,
          ...columnsFrom(pc),
          publiccode: pc,
          pnrrMeasures: c.pnrr ?? [],
          tags: c.tags ?? [],
          documentType: c.documentTemplate?.documentType ?? null,
          source: 'seed',
          reviewComment: null,
          createdBy: author?.id ?? null,
          updatedBy: author?.id ?? null,
          submittedBy: c.status === 'submitted' ? (author?.id ?? null) : null,
          submittedAt: c.status === 'submitted' ? new Date() : null,
          publishedAt: null,
          archivedAt: null,
        },
        { transaction },
      );
      if (c.attachment) {
        const stored = await platform.files.save({ buffer: simplePdf(c.attachment.lines), originalName: c.attachment.file, uploadedBy: author?.id ?? null }, transaction);
        await AssetFile.create({ assetId: asset.id, fileId: stored.id, role: 'attachment', title: c.attachment.title, position: 1, uploadedBy: author?.id ?? null }, { transaction });
      }
      if (c.documentTemplate) {
        const stored = await platform.files.save({ buffer: c.documentTemplate.content(), originalName: c.documentTemplate.file, uploadedBy: author?.id ?? null }, transaction);
        await AssetFile.create({ assetId: asset.id, fileId: stored.id, role: 'attachment', title: c.documentTemplate.title, position: 1, uploadedBy: author?.id ?? null }, { transaction });
      }
      await refreshCompleteness(asset, cedent?.ipaCode ?? null, transaction);
      asset.status = c.status;
      if (c.status === 'published') asset.publishedAt = new Date();
      await asset.save({ transaction });
      await recordEvent(asset, null, 'created', null, c.status, null, transaction);
    });
  }

  // Adoptions declared by the demo comuni.
  for (const group of ADOPTIONS) {
    const asset = await Asset.findOne({ where: { name: group.asset }, attributes: ['id'] });
    if (!asset) continue;
    for (const [code, status, since, note] of group.entries) {
      const entity = await ipa(code);
      if (!entity) continue;
      await Adoption.findOrCreate({ where: { assetId: asset.id, entityId: entity.id }, defaults: { assetId: asset.id, entityId: entity.id, status, since, note: note ?? null, declaredBy: null } });
    }
    await recountAdoptions(platform, asset.id);
  }
}
