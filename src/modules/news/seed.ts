// Demo news: a workshop announcement, a webinar cycle, a PNRR call and a new reuse kit, published in
// the days before the first start, written by the centre's staff.
import { QueryTypes } from 'sequelize';
import type { Platform } from '../../platform/context.js';
import { findPersonByEmail } from '../accounts/index.js';
import { renderMarkdown } from './markdown.js';

export const DEMO_POSTS = [
  {
    title: 'Laboratorio in presenza: il Piano triennale spiegato ai comuni',
    summary: 'Giovedì prossimo a Lecce una mattinata di lavoro con gli RTD sugli obiettivi del Piano triennale per l’informatica nella PA e sulle scadenze del 2026.',
    body: `Il Centro organizza un **laboratorio in presenza** riservato ai Responsabili per la transizione al digitale e ai referenti dei comuni aderenti.\n\n## Programma\n\n- 9:30 accoglienza e registrazione\n- 10:00 il Piano triennale 2024-2026: gli obiettivi che riguardano i comuni\n- 11:30 esercitazione: dall’autovalutazione al piano di azione\n- 12:45 domande e chiusura\n\nLa partecipazione è gratuita; i posti sono 40. Porta con te l’ultima autovalutazione del tuo ente: la useremo nell’esercitazione.\n\nPer informazioni scrivi al Centro o apri una richiesta allo [sportello di consulenza](/sportello).`,
    tags: ['laboratorio', 'piano triennale', 'rtd'],
    daysAgo: 1,
  },
  {
    title: 'Al via il ciclo di webinar per la digitalizzazione dei comuni',
    summary: 'Dieci incontri di un’ora, online, dal cloud all’App IO: il calendario e come iscriversi.',
    body: `Parte il nuovo **ciclo di webinar** per il personale dei comuni aderenti: dieci incontri di un’ora, il martedì alle 11.\n\n1. Migrare i servizi al cloud qualificato\n2. pagoPA: riconciliazione e avvisi\n3. App IO: i servizi e i messaggi\n4. SPID e CIE per l’accesso ai servizi\n5. Piattaforma notifiche digitali\n\nOgni incontro vale un’ora di formazione e dà diritto all’attestato, se partecipi. Le registrazioni restano disponibili per chi è iscritto.`,
    tags: ['formazione', 'webinar'],
    daysAgo: 4,
  },
  {
    title: 'PNRR, Misura 1.4.1: nuova finestra per l’esperienza del cittadino',
    summary: 'È aperta una nuova finestra dell’avviso per i siti comunali e i servizi digitali: il Centro affianca i comuni nella candidatura.',
    body: `Il Dipartimento per la trasformazione digitale ha aperto una nuova finestra dell’avviso **Misura 1.4.1 «Esperienza del cittadino nei servizi pubblici»**.\n\nIl Centro mette a disposizione:\n\n- un incontro di orientamento per gli RTD;\n- il modello di sito comunale del riuso, già conforme al modello Designers Italia;\n- la revisione della candidatura prima dell’invio.\n\nConsulta l’elenco degli [avvisi aperti](/finanziamenti/avvisi?state=open) e apri una richiesta allo sportello per fissare un appuntamento.`,
    tags: ['pnrr', 'finanziamenti'],
    daysAgo: 9,
  },
  {
    title: 'Nel catalogo del riuso il kit per il regolamento informatico',
    summary: 'Un modello di regolamento per l’uso degli strumenti informatici, donato dal Comune di Brescia, pronto da adattare.',
    body: `Nel [catalogo del riuso](/catalogo) è disponibile un nuovo **kit**: il modello di regolamento per l’uso degli strumenti informatici e della posta elettronica da parte del personale.\n\nIl kit contiene il testo del regolamento, una nota di accompagnamento per la giunta e l’informativa per i dipendenti. Dichiara l’adozione dalla pagina del catalogo: ci aiuta a sapere chi lo usa.`,
    tags: ['riuso', 'catalogo'],
    daysAgo: 15,
  },
];

export async function seedNews(platform: Platform): Promise<void> {
  const [{ n }] = await platform.sequelize.query<{ n: number }>('SELECT count(*)::int AS n FROM news_posts', { type: QueryTypes.SELECT });
  if (n > 0) return;
  const author = await findPersonByEmail('staff@cithub.example');
  for (const p of DEMO_POSTS) {
    await platform.sequelize.query(
      `INSERT INTO news_posts (title, summary, body_md, body_html, tags, state, publish_at, published_at, author_id, created_at, updated_at)
       VALUES (:title, :summary, :body, :html, ARRAY[:tags]::text[], 'published', now() - make_interval(days => :days), now() - make_interval(days => :days), :author,
               now() - make_interval(days => :days), now() - make_interval(days => :days))`,
      { replacements: { ...p, html: renderMarkdown(p.body), days: p.daysAgo, author: author?.id ?? null } },
    );
  }
}
