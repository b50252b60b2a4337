// Demo desk: requests of Russi, Potenza and comuni of the Provincia di Lecce across every state, with
// threads, internal notes, an attachment, answered surveys and knowledge-base articles. Times are
// placed in business hours relative to the day the demo is loaded, so due times look alive.
import { DateTime } from 'luxon';
import type { Transaction } from 'sequelize';
import type { Platform } from '../../platform/context.js';
import { ensureActiveUser, findPeopleByEmails } from '../accounts/index.js';
import { bodiesByIpa } from '../entities/index.js';
import { findPublishedAssetNamed } from './asset.js';
import { deskConfig } from './config.js';
import { DeskAttachment, DeskEvent, DeskMessage, DeskRequest, DeskSurvey, KbArticle } from './models.js';
import { applySla, loadHistory, SYSTEM_NAME } from './service.js';
import type { RequestCategory, RequestPriority, RequestState } from './states.js';

type Step =
  | { kind: 'assign'; after: number; to: string; by: string }
  | { kind: 'reply'; after: number; by: string; text: string; then?: RequestState; attach?: string }
  | { kind: 'note'; after: number; by: string; text: string }
  | { kind: 'state'; after: number; by: string | null; to: RequestState; action: string }
  | { kind: 'survey'; after: number; rating: number; comment?: string };

type Scenario = {
  ipa: string;
  requester: string;
  daysAgo: number;
  hour: number;
  category: RequestCategory;
  priority: RequestPriority;
  subject: string;
  description: string;
  attach?: string;
  /** Name of a published catalogue asset the request is about. */
  asset?: string;
  steps: Step[];
};

const STAFF = 'staff@cithub.example';
const LEGAL = 'legale@cithub.example';
const ADMIN = 'admin@cithub.example';

const EXTRA_USERS = [
  { email: LEGAL, name: 'Francesca De Santis', role: 'staff' as const, ipa: 'c_e506' },
  { email: 'rtd@galatina.cithub.example', name: 'Anna Stefanelli', role: 'rtd' as const, ipa: 'c_d862' },
  { email: 'segreteria@otranto.cithub.example', name: 'Luigi Pedone', role: 'member' as const, ipa: 'c_g188' },
  { email: 'rtd@maglie.cithub.example', name: 'Carla Mariano', role: 'rtd' as const, ipa: 'c_e815' },
  { email: 'ragioneria@castro.cithub.example', name: 'Donato Rizzo', role: 'member' as const, ipa: 'c_c336' },
  { email: 'rtd@calimera.cithub.example', name: 'Elena Tommasi', role: 'rtd' as const, ipa: 'c_b413' },
  { email: 'rtd@martano.cithub.example', name: 'Salvatore Greco', role: 'rtd' as const, ipa: 'c_e979' },
];

const SCENARIOS: Scenario[] = [
  {
    ipa: 'c_h642',
    requester: 'rtd@russi.cithub.example',
    daysAgo: 62,
    hour: 10,
    category: 'legal',
    priority: 'normal',
    subject: 'Informativa privacy per la prenotazione online degli appuntamenti all’anagrafe',
    description:
      'Dal prossimo mese attiviamo la prenotazione online degli appuntamenti per carte d’identità e certificati. Il fornitore raccoglie nome, codice fiscale, telefono ed email. Serve una nuova informativa ai sensi dell’art. 13 del GDPR? Dobbiamo fare la valutazione d’impatto (DPIA)?',
    attach: 'capitolato-prenotazioni.pdf',
    steps: [
      { kind: 'assign', after: 1, to: LEGAL, by: STAFF },
      { kind: 'note', after: 0.5, by: LEGAL, text: 'Il fornitore è lo stesso di Otranto: riutilizzare lo schema di nomina a responsabile del trattamento già predisposto.' },
      {
        kind: 'reply',
        after: 3,
        by: LEGAL,
        text:
          'Buongiorno. Sì, serve un’informativa specifica (art. 13 GDPR) da pubblicare nella pagina di prenotazione, con finalità, base giuridica (compito di interesse pubblico, art. 6.1.e), tempi di conservazione e diritti. Il fornitore va nominato responsabile del trattamento (art. 28) con atto scritto. La DPIA non è obbligatoria per una semplice prenotazione senza profilazione, ma consigliamo di annotare la valutazione nel registro dei trattamenti. Alleghiamo un modello di informativa da adattare.',
      },
      { kind: 'reply', after: 6, by: 'rtd@russi.cithub.example', text: 'Grazie, chiarissimo. Il DPO ha approvato il testo adattato e l’abbiamo pubblicato.' },
      { kind: 'state', after: 1, by: LEGAL, to: 'resolved', action: 'resolve' },
      { kind: 'state', after: 80, by: null, to: 'closed', action: 'auto_close' },
      { kind: 'survey', after: 2, rating: 5, comment: 'Risposta rapida e con un modello pronto da usare.' },
    ],
  },
  {
    ipa: 'c_h642',
    requester: 'utente@russi.cithub.example',
    daysAgo: 4,
    hour: 11,
    category: 'reuse',
    priority: 'normal',
    subject: 'Riuso di Prenota Uffici per gli sportelli comunali',
    description:
      'Abbiamo visto nel catalogo la piattaforma Prenota Uffici per la prenotazione degli appuntamenti agli sportelli. Vorremmo capire quali passi servono per adottarla in riuso, chi la ospita e se ci sono costi di manutenzione.',
    asset: 'Prenota Uffici',
    steps: [
      { kind: 'assign', after: 2, to: STAFF, by: ADMIN },
      { kind: 'reply', after: 4, by: STAFF, text: 'Buongiorno, la piattaforma è rilasciata con licenza EUPL 1.2. Il primo passo è una delibera di giunta di adesione al riuso (art. 69 CAD). Stiamo verificando con l’ente cedente la disponibilità del kit di installazione.' },
      { kind: 'note', after: 1, by: STAFF, text: 'Sentito l’ufficio sistemi informativi di Brescia: il kit è aggiornato a marzo, manca solo la guida per l’hosting su cloud qualificato.' },
    ],
  },
  {
    ipa: 'c_h642',
    requester: 'rtd@russi.cithub.example',
    daysAgo: 6,
    hour: 9,
    category: 'procurement',
    priority: 'high',
    subject: 'Adesione all’accordo quadro per i servizi cloud (misura 1.2 PNRR)',
    description:
      'Per completare la migrazione al cloud finanziata dalla misura 1.2 dobbiamo acquistare i servizi IaaS. Possiamo aderire direttamente all’accordo quadro Consip o serve una procedura nostra? Quali documenti prepariamo?',
    steps: [
      { kind: 'assign', after: 1, to: STAFF, by: ADMIN },
      {
        kind: 'reply',
        after: 2,
        by: STAFF,
        text: 'Buongiorno. L’adesione all’accordo quadro è possibile con un ordinativo di fornitura. Per indicarvi il lotto corretto ci servono l’elenco dei servizi da migrare (dal piano di migrazione) e la spesa stimata per tre anni: potete inviarceli?',
        then: 'waiting',
      },
    ],
  },
  {
    ipa: 'c_h642',
    requester: 'utente@russi.cithub.example',
    daysAgo: 0,
    hour: 9,
    category: 'technical',
    priority: 'urgent',
    subject: 'Accesso con SPID e CIE non funzionante sul portale dei servizi online',
    description: 'Da questa mattina i cittadini che accedono con SPID ricevono un errore di metadati scaduti. La CIE funziona. Il fornitore del portale dice che è un problema di configurazione del nostro ente.',
    steps: [],
  },
  {
    ipa: 'c_g942',
    requester: 'rtd@potenza.cithub.example',
    daysAgo: 20,
    hour: 10,
    category: 'strategic',
    priority: 'normal',
    subject: 'Aggiornamento del piano triennale per l’informatica 2026-2028',
    description: 'Dobbiamo aggiornare il nostro piano triennale allineandolo al nuovo Piano triennale AgID. Potete indicarci una struttura tipo e quali obiettivi sono obbligatori per un comune della nostra dimensione?',
    steps: [
      { kind: 'assign', after: 3, to: STAFF, by: ADMIN },
      { kind: 'reply', after: 10, by: STAFF, text: 'Buongiorno, vi inviamo la struttura tipo usata dai comuni aderenti: contesto, obiettivi per componente (servizi, dati, piattaforme, infrastrutture, sicurezza), azioni con responsabile e scadenza. Obbligatori per tutti gli enti: le linee d’azione CAP2.PA e quelle sulla sicurezza.' },
      { kind: 'reply', after: 20, by: 'rtd@potenza.cithub.example', text: 'Grazie. Possiamo includere anche gli interventi finanziati dal PNRR già conclusi?' },
      { kind: 'reply', after: 6, by: STAFF, text: 'Sì, nella sezione di contesto come risultati raggiunti; nelle azioni solo ciò che resta da fare.' },
      { kind: 'state', after: 1, by: STAFF, to: 'resolved', action: 'resolve' },
    ],
  },
  {
    ipa: 'c_g942',
    requester: 'rtd@potenza.cithub.example',
    daysAgo: 6,
    hour: 14,
    category: 'legal',
    priority: 'high',
    subject: 'Conservazione digitale dei contratti pubblici: obblighi e tempi',
    description: 'I contratti firmati digitalmente devono andare in conservazione entro un termine preciso? Il nostro conservatore chiede un manuale aggiornato.',
    steps: [
      { kind: 'assign', after: 2, to: LEGAL, by: ADMIN },
      { kind: 'reply', after: 3, by: LEGAL, text: 'Buongiorno, stiamo verificando le Linee guida AgID sulla formazione, gestione e conservazione dei documenti informatici e vi rispondiamo con i riferimenti puntuali.' },
      { kind: 'note', after: 2, by: LEGAL, text: 'Chiedere al collega dell’ufficio contratti di Lecce il manuale di conservazione aggiornato da usare come esempio.' },
    ],
  },
  {
    ipa: 'c_g942',
    requester: 'rtd@potenza.cithub.example',
    daysAgo: 48,
    hour: 12,
    category: 'procurement',
    priority: 'normal',
    subject: 'Affidamento diretto per il rinnovo delle licenze antivirus',
    description: 'Per il rinnovo triennale delle licenze antivirus (circa 38.000 euro) possiamo procedere con affidamento diretto? Dobbiamo passare dal MePA?',
    steps: [
      { kind: 'assign', after: 1, to: STAFF, by: ADMIN },
      { kind: 'reply', after: 5, by: STAFF, text: 'Sì: sotto 140.000 euro per servizi e forniture l’affidamento diretto è ammesso (art. 50 D.Lgs. 36/2023). Per beni informatici resta l’obbligo di ricorrere agli strumenti di acquisto Consip/MePA se disponibili; motivate la scelta dell’operatore nella determina.' },
      { kind: 'state', after: 1, by: STAFF, to: 'resolved', action: 'resolve' },
      { kind: 'state', after: 24, by: STAFF, to: 'closed', action: 'close' },
      { kind: 'survey', after: 5, rating: 4, comment: 'Utile, avremmo gradito anche un fac-simile di determina.' },
    ],
  },
  {
    ipa: 'c_d862',
    requester: 'rtd@galatina.cithub.example',
    daysAgo: 11,
    hour: 9,
    category: 'technical',
    priority: 'high',
    subject: 'Migrazione della posta elettronica su cloud qualificato ACN',
    description: 'La posta elettronica è ancora su un server in sede. Vogliamo migrarla su un servizio qualificato ACN mantenendo le caselle PEC. Come pianifichiamo la migrazione senza interruzioni?',
    steps: [
      { kind: 'assign', after: 2, to: STAFF, by: ADMIN },
      { kind: 'reply', after: 6, by: STAFF, text: 'Buongiorno, proponiamo una migrazione in tre fasi: inventario delle caselle e degli alias, migrazione di prova su cinque caselle, passaggio dei record MX nel fine settimana. Vi mandiamo la lista di controllo.' },
      { kind: 'note', after: 3, by: STAFF, text: 'Attenzione: il contratto del server attuale scade il 31 dicembre, la scadenza è stretta.' },
    ],
  },
  {
    ipa: 'c_g188',
    requester: 'segreteria@otranto.cithub.example',
    daysAgo: 75,
    hour: 10,
    category: 'legal',
    priority: 'normal',
    subject: 'Pubblicazione dei dati dei concorsi in Amministrazione trasparente',
    description: 'Quali dati dei candidati possiamo pubblicare nelle graduatorie dei concorsi? Nome e cognome bastano o serve anche la data di nascita?',
    steps: [
      { kind: 'assign', after: 2, to: LEGAL, by: ADMIN },
      { kind: 'reply', after: 4, by: LEGAL, text: 'Buongiorno, in graduatoria vanno pubblicati solo i dati necessari: nome, cognome e punteggio. La data di nascita solo in caso di omonimia. Nessun dato sulla salute o sulle preferenze/riserve oltre quanto necessario.' },
      { kind: 'state', after: 1, by: LEGAL, to: 'resolved', action: 'resolve' },
      { kind: 'state', after: 80, by: null, to: 'closed', action: 'auto_close' },
      { kind: 'survey', after: 3, rating: 3, comment: 'Risposta corretta ma arrivata dopo la pubblicazione.' },
    ],
  },
  {
    ipa: 'c_e815',
    requester: 'rtd@maglie.cithub.example',
    daysAgo: 4,
    hour: 15,
    category: 'strategic',
    priority: 'normal',
    subject: 'Candidatura all’avviso PNRR 1.4.1 Esperienza del cittadino nei servizi pubblici',
    description: 'Vorremmo candidarci alla nuova finestra dell’avviso 1.4.1 per il sito comunale e i servizi digitali. Quali requisiti del modello Comuni di Designers Italia dobbiamo già rispettare?',
    steps: [
      { kind: 'assign', after: 1, to: STAFF, by: STAFF },
      { kind: 'reply', after: 3, by: STAFF, text: 'Buongiorno, la candidatura non richiede di rispettare già il modello: l’impegno è adottarlo entro i termini dell’avviso. Vi inviamo la lista dei criteri di conformità verificati in asseverazione.' },
    ],
  },
  {
    ipa: 'c_c336',
    requester: 'ragioneria@castro.cithub.example',
    daysAgo: 1,
    hour: 10,
    category: 'other',
    priority: 'low',
    subject: 'Formazione del personale sull’uso dei servizi in App IO',
    description: 'Vorremmo un breve incontro per gli uffici tributi e anagrafe su come inviare messaggi e avvisi di pagamento tramite App IO.',
    steps: [],
  },
  {
    ipa: 'c_b413',
    requester: 'rtd@calimera.cithub.example',
    daysAgo: 15,
    hour: 11,
    category: 'procurement',
    priority: 'normal',
    subject: 'Adesione alla gara aggregata per la fornitura di personal computer',
    description: 'Ci interessa aderire alla gara aggregata per i PC degli uffici (12 postazioni). Entro quando dobbiamo comunicare il fabbisogno?',
    steps: [
      { kind: 'assign', after: 2, to: STAFF, by: ADMIN },
      { kind: 'reply', after: 5, by: STAFF, text: 'Buongiorno, la raccolta dei fabbisogni è aperta nella sezione Gare: potete indicare quantità e configurazione entro la scadenza indicata nel fascicolo.' },
      { kind: 'state', after: 1, by: STAFF, to: 'resolved', action: 'resolve' },
    ],
  },
  {
    ipa: 'c_e979',
    requester: 'rtd@martano.cithub.example',
    daysAgo: 90,
    hour: 9,
    category: 'reuse',
    priority: 'normal',
    subject: 'Adozione in riuso del regolamento informatico della Provincia di Brescia',
    asset: 'Regolamento per l’uso degli strumenti informatici e telematici',
    description: 'Vorremmo adottare il regolamento per l’uso degli strumenti informatici messo a disposizione dalla Provincia di Brescia. Va approvato in consiglio o basta la giunta? Quali parti dobbiamo adattare?',
    steps: [
      { kind: 'assign', after: 1, to: STAFF, by: ADMIN },
      {
        kind: 'reply',
        after: 4,
        by: STAFF,
        text:
          'Buongiorno. Il regolamento sull’uso degli strumenti informatici è un atto organizzativo: è competente la giunta (art. 48 TUEL), salvo diversa previsione dello statuto. Vanno adattati: i riferimenti agli uffici, l’amministratore di sistema, i tempi di conservazione dei log e le modalità di controllo (nel rispetto dell’art. 4 dello Statuto dei lavoratori). Prima dell’approvazione va informata la RSU.',
      },
      { kind: 'reply', after: 10, by: 'rtd@martano.cithub.example', text: 'Approvato in giunta la settimana scorsa. Grazie!' },
      { kind: 'state', after: 1, by: STAFF, to: 'resolved', action: 'resolve' },
      { kind: 'state', after: 2, by: STAFF, to: 'closed', action: 'close' },
      { kind: 'survey', after: 4, rating: 5 },
    ],
  },
];

// A small valid PDF, enough to show an attachment in the demo.
function demoPdf(title: string): Buffer {
  const text = `%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Contents 4 0 R/Resources<</Font<</F1 5 0 R>>>>>>endobj\n4 0 obj<</Length 60>>stream\nBT /F1 18 Tf 72 760 Td (${title.replace(/[()\\]/g, '')}) Tj ET\nendstream\nendobj\n5 0 obj<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n`;
  return Buffer.from(text, 'latin1');
}

export async function seedDesk(platform: Platform): Promise<void> {
  if ((await DeskRequest.count()) > 0) return;
  const config = await deskConfig(platform.sequelize);
  const { calendar } = config;
  const now = new Date();
  const entities = await bodiesByIpa();
  for (const u of EXTRA_USERS) {
    const entity = entities.get(u.ipa);
    if (!entity) continue;
    await ensureActiveUser({ email: u.email, name: u.name, role: u.role, entityId: entity.id }, 'cithub-demo');
  }
  const emails = new Set<string>([STAFF, ...EXTRA_USERS.map((u) => u.email)]);
  for (const s of SCENARIOS) {
    emails.add(s.requester);
    for (const step of s.steps) {
      if ('by' in step && step.by) emails.add(step.by);
      if (step.kind === 'assign') emails.add(step.to);
    }
  }
  const users = new Map((await findPeopleByEmails([...emails])).map((u) => [u.email, u]));
  const isStaffUser = (email: string) => ['staff', 'admin'].includes(users.get(email)?.role ?? '');
  const nameOf = (email: string | null) => (email ? (users.get(email)?.name ?? email) : SYSTEM_NAME);

  let sourceForArticle: Record<string, number> = {};
  await platform.sequelize.transaction(async (transaction) => {
    for (const s of SCENARIOS) {
      const entity = entities.get(s.ipa);
      const requester = users.get(s.requester);
      if (!entity || !requester) continue;
      const local = DateTime.fromJSDate(now, { zone: calendar.config.timeZone }).minus({ days: s.daysAgo }).set({ hour: s.hour, minute: 17, second: 0, millisecond: 0 });
      let at = calendar.nextOpening(local.toJSDate());
      const asset = s.asset ? await findPublishedAssetNamed(s.asset) : null;
      if (at > now) at = new Date(now.getTime() - 45 * 60_000);
      const request = await DeskRequest.create(
        {
          entityId: entity.id,
          state: 'new',
          requesterId: requester.id,
          category: s.category,
          priority: s.priority,
          subject: s.subject,
          description: s.description,
          assetId: asset?.id ?? null,
          assetSlug: asset?.slug ?? null,
          assetName: asset?.name ?? null,
          createdAt: at,
          lastActivityAt: at,
        },
        { transaction },
      );
      sourceForArticle[s.subject] = request.id;
      const event = (when: Date, by: string | null, kind: 'created' | 'state' | 'assignee', from: string | null, to: string | null, action: string | null = null) =>
        DeskEvent.create({ requestId: request.id, at: when, actorId: by ? users.get(by)!.id : null, actorName: nameOf(by), kind, fromValue: from, toValue: to, action }, { transaction });
      const move = async (when: Date, by: string | null, to: RequestState, action: string) => {
        await event(when, by, 'state', request.state, to, action);
        request.state = to;
        if (to === 'resolved') request.resolvedAt = when;
        if (to === 'closed') request.closedAt = when;
        request.lastActivityAt = when;
      };
      await event(at, s.requester, 'created', null, 'new');
      if (s.attach) {
        const stored = await platform.files.save({ buffer: demoPdf(s.attach), originalName: s.attach, uploadedBy: requester.id }, transaction);
        await DeskAttachment.create({ requestId: request.id, messageId: null, fileId: stored.id, internal: false, uploadedBy: requester.id }, { transaction });
      }
      for (const step of s.steps) {
        at = calendar.addBusinessMinutes(at, step.after * 60);
        if (at > now) at = new Date(now.getTime() - 30 * 60_000);
        if (step.kind === 'assign') {
          request.assigneeId = users.get(step.to)!.id;
          await event(at, step.by, 'assignee', null, nameOf(step.to));
          if (request.state === 'new') await move(at, step.by, 'assigned', 'assign');
        } else if (step.kind === 'note') {
          await DeskMessage.create({ requestId: request.id, authorId: users.get(step.by)!.id, authorName: nameOf(step.by), side: 'staff', internal: true, body: step.text, createdAt: at }, { transaction });
        } else if (step.kind === 'reply') {
          const staff = isStaffUser(step.by);
          await DeskMessage.create({ requestId: request.id, authorId: users.get(step.by)!.id, authorName: nameOf(step.by), side: staff ? 'staff' : 'body', internal: false, body: step.text, createdAt: at }, { transaction });
          request.messageCount += 1;
          request.lastActivityAt = at;
          if (staff) {
            request.firstResponseAt ??= at;
            if (request.state === 'new') await move(at, step.by, 'assigned', 'assign');
            if (request.state === 'assigned') await move(at, step.by, 'in_progress', 'start');
            if (step.then) await move(at, step.by, step.then, step.then === 'waiting' ? 'ask_requester' : 'resolve');
          } else if (request.state === 'waiting' || request.state === 'resolved') {
            await move(at, step.by, 'in_progress', 'requester_reply');
          }
        } else if (step.kind === 'state') {
          await move(at, step.by, step.to, step.action);
        } else if (step.kind === 'survey') {
          await DeskSurvey.create(
            {
              requestId: request.id,
              recipientId: requester.id,
              createdAt: request.closedAt ?? at,
              expiresAt: new Date((request.closedAt ?? at).getTime() + 30 * 86_400_000),
              answeredAt: at,
              rating: step.rating,
              comment: step.comment ?? null,
            },
            { transaction },
          );
        }
      }
      await request.save({ transaction });
      const history = (await loadHistory([request.id], transaction)).get(request.id) ?? [];
      applySla(request, history, config, now);
      await request.save({ transaction });
    }

    const staffUser = users.get(STAFF);
    const articles = [
      {
        slug: 'informativa-privacy-per-i-servizi-di-prenotazione-online',
        title: 'Informativa privacy per i servizi di prenotazione online',
        summary: 'Quando attivate la prenotazione online di appuntamenti serve un’informativa specifica; il fornitore va nominato responsabile del trattamento; la DPIA di norma non è obbligatoria.',
        body:
          'La domanda\n\nUn comune attiva la prenotazione online degli appuntamenti per carte d’identità e certificati. Il fornitore raccoglie nome, codice fiscale, telefono ed email. Serve una nuova informativa? Serve la valutazione d’impatto (DPIA)?\n\nLa risposta del centro\n\n- Pubblicate un’informativa specifica (art. 13 GDPR) nella pagina di prenotazione: finalità, base giuridica (compito di interesse pubblico, art. 6.1.e), tempi di conservazione, diritti e contatti del DPO.\n- Nominate il fornitore responsabile del trattamento (art. 28) con atto scritto.\n- La DPIA non è obbligatoria per una prenotazione senza profilazione, ma annotate la valutazione nel registro dei trattamenti.',
        category: 'legal' as const,
        tags: ['privacy', 'gdpr', 'servizi online', 'anagrafe'],
        source: 'Informativa privacy per la prenotazione online degli appuntamenti all’anagrafe',
      },
      {
        slug: 'adottare-in-riuso-il-regolamento-informatico',
        title: 'Adottare in riuso il regolamento per l’uso degli strumenti informatici',
        summary: 'Il regolamento informatico è un atto organizzativo di competenza della giunta; vanno adattati uffici, amministratore di sistema, conservazione dei log e controlli, informando la RSU.',
        body:
          'La domanda\n\nUn comune vuole adottare in riuso il regolamento per l’uso degli strumenti informatici messo a disposizione da un ente cedente. Serve il consiglio o basta la giunta? Che cosa va adattato?\n\nLa risposta del centro\n\nIl regolamento è un atto organizzativo: è competente la giunta (art. 48 TUEL), salvo diversa previsione dello statuto.\n\n- Adattate i riferimenti agli uffici e all’amministratore di sistema.\n- Indicate i tempi di conservazione dei log.\n- Descrivete le modalità di controllo nel rispetto dell’art. 4 dello Statuto dei lavoratori.\n- Informate la RSU prima dell’approvazione.',
        category: 'reuse' as const,
        tags: ['riuso', 'regolamento', 'giunta'],
        source: 'Adozione in riuso del regolamento informatico della Provincia di Brescia',
      },
    ];
    for (const a of articles) {
      await KbArticle.create(
        {
          slug: a.slug,
          title: a.title,
          summary: a.summary,
          body: a.body,
          category: a.category,
          tags: a.tags,
          status: 'published',
          showBody: false,
          sourceRequestId: sourceForArticle[a.source] ?? null,
          authorId: staffUser?.id ?? null,
          publishedAt: new Date(now.getTime() - 20 * 86_400_000),
        },
        { transaction },
      );
    }
    sourceForArticle = {};
    await seedMailQuarantine(platform, transaction, now);
  });
}

/**
 * Two messages of the desk's mailbox waiting for staff (nothing is fetched in the demo unless
 * DESK_IMAP_URL is set): a request from an address that is nobody's account, and an out-of-office reply.
 */
async function seedMailQuarantine(platform: Platform, transaction: Transaction, now: Date): Promise<void> {
  const items = [
    {
      key: '<demo-quarantena-1@comune.esempio.it>',
      reason: 'unknown_sender',
      sender: 'segreteria.sindaco@comune.esempio.it',
      senderName: 'Segreteria del Sindaco',
      subject: 'Richiesta di supporto per il bando PNRR Misura 1.4.1',
      hoursAgo: 3,
      text: 'Buongiorno,\nscriviamo dalla segreteria del Sindaco: vorremmo un incontro per capire come candidare il comune all’avviso PNRR Misura 1.4.1 (esperienza del cittadino nei servizi pubblici).\n\nCordiali saluti,\nSegreteria del Sindaco',
    },
    {
      key: '<demo-quarantena-2@provincia.esempio.it>',
      reason: 'auto_reply',
      sender: 'ufficio.protocollo@provincia.esempio.it',
      senderName: 'Ufficio Protocollo',
      subject: 'Risposta automatica: Richiesta n. 12 [#12]',
      hoursAgo: 26,
      text: 'Sono fuori ufficio fino a lunedì. Per urgenze scrivere a protocollo@provincia.esempio.it.',
    },
  ];
  for (const it of items) {
    const at = new Date(now.getTime() - it.hoursAgo * 3_600_000);
    const [rows] = await platform.sequelize.query(
      `INSERT INTO desk_mail_quarantine (reason, sender, sender_name, subject, sent_at, size, text, created_at)
       VALUES (:reason, :sender, :senderName, :subject, :at, :size, :text, :at) RETURNING id`,
      { replacements: { ...it, at, size: Buffer.byteLength(it.text) + 900 }, transaction },
    );
    const id = (rows as Array<{ id: number }>)[0].id;
    await platform.sequelize.query(
      `INSERT INTO desk_inbound_mail (message_key, outcome, quarantine_id, sender, created_at) VALUES (:key, 'quarantine', :id, :sender, :at) ON CONFLICT DO NOTHING`,
      { replacements: { key: it.key, id, sender: it.sender, at }, transaction },
    );
  }
}
