// The generic cross-body check: every route with a parameter, listed from the routers of every area
// (so a new route is covered the day it is added), is requested by a member and an RTD of a body
// created for this test — so every body-scoped record in the database belongs to another body — with
// the ids of records that are not public: GET, and POST with a valid CSRF token of the attacker's own
// session. Each must answer 404, the same as a missing record. The only exceptions are listed below
// with their reason, and a route that refuses by role gives the same answer for a missing id (so the
// answer says nothing about the record). A route whose parameters no query below can fill fails the
// test: add its family here.
import { expect } from 'chai';
import { QueryTypes } from 'sequelize';
import { testContext } from '../helpers/app.js';
import { allRoutes } from '../helpers/routes.js';
import { createBody, createUser } from '../helpers/factories.js';
import { csrfFrom, loginAs, type Agent } from '../helpers/http.js';
import { peerWithAssessment } from './coaching/helpers.js';
import { openRequest, pdf, type CsrfAgent } from './desk/helpers.js';
import { makeGroup, makeMeeting } from './groups/helpers.js';
import { makePost } from './news/helpers.js';
import { addDays, dossierWithTwoBodies, lot, milestone, todayInRome, uploadDoc } from './tenders/helpers.js';
import { makeCycle, makeSession } from './training/helpers.js';

const paramsOf = (path: string) => [...path.matchAll(/:(\w+)/g)].map((m) => m[1]);

/**
 * Routes that do not answer 404 to a member of another body, each with its reason. Keyed by
 * "METHOD path"; the status they answer instead is checked too.
 */
const ALLOWED: Record<string, { status: number[]; reason: string }> = {
  'GET /enti/:id': { status: [200], reason: 'the register of the centre’s member bodies is public (name, kind, membership)' },
  'GET /tavoli/partecipazione/enti/:id': { status: [200], reason: 'the participation ledger of a body in the working groups is public, like the groups’ membership' },
  'GET /finanziamenti/avvisi/:id': { status: [200], reason: 'funding calls are public notices (PNRR and regional calls), the same for every signed-in user' },
  'GET /formazione/conferma/:token': { status: [200], reason: 'a citizen’s confirmation link: the page offers only the confirm button and shows nothing of the registration, alike for any token' },
  'GET /formazione/verifica/:code': { status: [200], reason: 'the public check of a certificate code: any code gets the same page saying whether it is valid' },
};

/** Routes whose parameter is a secret token, not an id: a made-up token must answer like a missing record. */
const TOKEN_ROUTES = /:token\b|:code\b|\/calendario\/:file/;

/**
 * The ids of records of other bodies (or of the centre, not public), per family of routes: one query
 * per family, a column per parameter. A column left null means the demo data holds no such record:
 * the route is then requested with a made-up id (and counted apart in the report).
 */
const FAMILIES: Array<{ match: RegExp; sql: string }> = [
  { match: /^\/enti\/:id/, sql: `SELECT min(id) AS id FROM entities WHERE id <> :own` },
  { match: /^\/utenti\/:id/, sql: `SELECT min(id) AS id FROM users WHERE entity_id IS NOT NULL AND entity_id <> :own` },
  // The desk's mail quarantine is the centre's own (messages no body owns yet): staff only.
  { match: /^\/richieste\/posta\/:id/, sql: `SELECT max(id) AS id FROM desk_mail_quarantine` },
  { match: /^\/richieste\/:id/, sql: `SELECT r.id, (SELECT min(a.id) FROM desk_attachments a WHERE a.request_id = r.id) AS "fileId", (SELECT min(m.id) FROM desk_messages m WHERE m.request_id = r.id) AS "messageId" FROM desk_requests r WHERE r.entity_id <> :own ORDER BY (SELECT count(*) FROM desk_attachments a WHERE a.request_id = r.id) DESC, r.id DESC LIMIT 1` },
  { match: /^\/(kb|conoscenza|faq|guide)/, sql: `SELECT min(id) AS id, min(slug) FILTER (WHERE status <> 'published') AS slug FROM kb_articles WHERE status <> 'published'` },
  { match: /^\/catalogo\/:slug/, sql: `SELECT a.slug, (SELECT min(f.id) FROM catalog_asset_files f WHERE f.asset_id = a.id) AS id FROM catalog_assets a WHERE a.status <> 'published' AND a.entity_id IS NOT NULL AND a.entity_id <> :own ORDER BY (SELECT count(*) FROM catalog_asset_files f WHERE f.asset_id = a.id) DESC, a.id DESC LIMIT 1` },
  {
    match: /^\/gare\/:id/,
    sql: `SELECT d.id, (SELECT min(id) FROM tender_lots WHERE dossier_id = d.id) AS "lotId", (SELECT min(id) FROM tender_milestones WHERE dossier_id = d.id) AS mid,
            (SELECT min(id) FROM tender_participants WHERE dossier_id = d.id) AS pid, (SELECT min(id) FROM tender_documents WHERE dossier_id = d.id) AS "docId",
            (SELECT min(v.id) FROM tender_document_versions v JOIN tender_documents x ON x.id = v.document_id WHERE x.dossier_id = d.id) AS vid,
            (SELECT min(id) FROM tender_comments WHERE dossier_id = d.id) AS cid
       FROM tender_dossiers d WHERE NOT d.is_public AND NOT EXISTS (SELECT 1 FROM tender_participants p WHERE p.dossier_id = d.id AND p.entity_id = :own)
      ORDER BY (SELECT count(*) FROM tender_documents WHERE dossier_id = d.id) + (SELECT count(*) FROM tender_comments WHERE dossier_id = d.id) DESC, d.id DESC LIMIT 1`,
  },
  { match: /^\/finanziamenti\/avvisi\/:id/, sql: `SELECT min(id) AS id FROM funding_calls` },
  { match: /^\/finanziamenti\/enti\/:id/, sql: `SELECT min(entity_id) AS id FROM funding_projects WHERE entity_id <> :own` },
  {
    match: /^\/finanziamenti\/progetti\/:id/,
    sql: `SELECT p.id, (SELECT min(id) FROM funding_documents WHERE project_id = p.id) AS "docId",
            (SELECT min(v.id) FROM funding_document_versions v JOIN funding_documents d ON d.id = v.document_id WHERE d.project_id = p.id) AS vid,
            (SELECT min(id) FROM funding_sample_checks WHERE project_id = p.id) AS "checkId", (SELECT min(id) FROM funding_indicator_values WHERE project_id = p.id) AS "valueId"
       FROM funding_projects p WHERE p.entity_id <> :own ORDER BY (SELECT count(*) FROM funding_documents WHERE project_id = p.id) DESC, p.id DESC LIMIT 1`,
  },
  { match: /^\/affiancamento\/modelli\//, sql: `SELECT min(v.id) AS id, (SELECT min(q.id) FROM coaching_questions q) AS qid FROM coaching_template_versions v` },
  {
    match: /^\/affiancamento\/:entityId/,
    sql: `SELECT a.entity_id AS "entityId", a.id, (SELECT min(x.question_id) FROM coaching_answers x WHERE x.assessment_id = a.id) AS qid,
            (SELECT min(e.id) FROM coaching_evidence e JOIN coaching_answers x ON x.id = e.answer_id WHERE x.assessment_id = a.id) AS eid,
            (SELECT min(id) FROM coaching_actions WHERE entity_id = a.entity_id) AS aid, (SELECT min(id) FROM coaching_sessions WHERE entity_id = a.entity_id) AS sid
       FROM coaching_assessments a WHERE a.entity_id <> :own ORDER BY (SELECT count(*) FROM coaching_actions c WHERE c.entity_id = a.entity_id) DESC, a.id DESC LIMIT 1`,
  },
  { match: /^\/tavoli\/partecipazione\/enti\/:id/, sql: `SELECT min(entity_id) AS id FROM groups_bodies WHERE entity_id <> :own` },
  {
    match: /^\/tavoli\/(:id|sedute\/:id)/,
    sql: `SELECT g.id AS "groupId", m.id AS "meetingId", (SELECT min(id) FROM groups_members WHERE group_id = g.id) AS "memberId",
            (SELECT min(id) FROM groups_agenda_items WHERE meeting_id = m.id) AS "itemId", (SELECT min(id) FROM groups_documents WHERE meeting_id = m.id) AS "documentId"
       FROM groups_groups g LEFT JOIN LATERAL (SELECT id FROM groups_meetings WHERE group_id = g.id ORDER BY id LIMIT 1) m ON true
      WHERE g.visibility = 'reserved' ORDER BY m.id IS NULL, g.id DESC LIMIT 1`,
  },
  { match: /^\/tavoli\/azioni\/:id/, sql: `SELECT min(a.id) AS id FROM groups_actions a JOIN groups_groups g ON g.id = a.group_id WHERE g.visibility = 'reserved'` },
  { match: /^\/notizie\/immagini\/:fileId/, sql: `SELECT image_file_id AS "fileId" FROM news_posts WHERE state <> 'published' AND image_file_id IS NOT NULL ORDER BY id LIMIT 1` },
  { match: /^\/notizie\/:id/, sql: `SELECT max(id) AS id FROM news_posts WHERE state <> 'published'` },
  {
    match: /^\/formazione\/(cicli|sessioni)\/:id/,
    sql: `SELECT c.id AS "cycleId", (SELECT min(id) FROM training_sessions WHERE cycle_id = c.id) AS "sessionId" FROM training_cycles c WHERE c.state = 'draft' ORDER BY (SELECT count(*) FROM training_sessions WHERE cycle_id = c.id) DESC, c.id DESC LIMIT 1`,
  },
  { match: /^\/formazione\/iscrizioni\/:id/, sql: `SELECT min(id) AS id FROM training_registrations WHERE entity_id IS NULL OR entity_id <> :own` },
  { match: /^\/formazione\/attestati\/:id/, sql: `SELECT min(id) AS id FROM training_certificates WHERE entity_id IS NULL OR entity_id <> :own` },
  { match: /^\/formazione\/ore\/enti\/:id/, sql: `SELECT min(id) AS id FROM entities WHERE id <> :own AND kind = 'comune'` },
  { match: /^\/formazione\/materiali\/:id/, sql: `SELECT max(m.id) AS id FROM training_materials m JOIN training_sessions s ON s.id = m.session_id JOIN training_cycles c ON c.id = s.cycle_id WHERE c.state = 'draft'` },
  { match: /^\/finanziamenti\/importa\/:id/, sql: `SELECT max(id) AS id FROM funding_imports` },
  { match: /^\/newsletter\/numeri\/:id/, sql: `SELECT max(id) AS id FROM newsletter_issues` },
  { match: /^\/newsletter\/iscritti\/:id/, sql: `SELECT max(id) AS id FROM newsletter_subscribers` },
  { match: /^\/formazione\/ore\/esterne\/:id/, sql: `SELECT min(id) AS id FROM training_external_hours WHERE entity_id <> :own` },
];

/** Groups' and training's routes share the name `:id` for different records: which one, by path. */
function idFor(path: string, param: string, row: Record<string, unknown>): unknown {
  if (param === 'id' && path.startsWith('/tavoli/sedute/')) return row.meetingId;
  if (param === 'id' && path.startsWith('/tavoli/')) return row.groupId;
  if (param === 'id' && path.startsWith('/formazione/sessioni/')) return row.sessionId;
  if (param === 'id' && path.startsWith('/formazione/cicli/')) return row.cycleId;
  return row[param];
}

const MISSING_ID = '2147480000';

describe('security: the generic cross-body check over every route with an id', function () {
  this.timeout(600_000);

  // Records of other bodies where the demo data has none: made through the services, as their owners would.
  before(async () => {
    const { dossier } = await dossierWithTwoBodies();
    await lot(dossier.id, 1);
    await milestone(dossier.id, 'publication', addDays(todayInRome(), 30));
    await uploadDoc(dossier.id, 'verbale', 'Verbale riservato', 'staff');
    await peerWithAssessment(12_000, () => 'yes');
    const cycle = await makeCycle({ state: 'draft' });
    await makeSession(cycle.id);
    await makePost({ intent: 'draft' });
    const group = await makeGroup('reserved');
    await makeMeeting(group.staff, group.groupId);
    const owner = (await loginAs((await createUser('member', (await createBody()).id)).email)) as CsrfAgent;
    await openRequest(owner, {}, [{ buffer: pdf(), name: 'allegato.pdf' }]);
  });

  it('answers 404 to members of another body on every id route of every area, GET and POST with their own CSRF token', async () => {
    const { platform } = await testContext();
    const body = await createBody();
    const attackers: Array<{ role: string; agent: Agent; token: string }> = [];
    for (const role of ['member', 'rtd'] as const) {
      const agent = await loginAs((await createUser(role, body.id)).email);
      attackers.push({ role, agent, token: csrfFrom((await agent.get('/profilo')).text) });
    }
    const routes = (await allRoutes()).filter((r) => paramsOf(r.path).length > 0);
    const rows = new Map<RegExp, Record<string, unknown>>();
    const unfilled: string[] = [];
    const leaks: string[] = [];
    const placeholders: string[] = [];
    const roleGated: string[] = [];
    const allowedUsed = new Set<string>();
    let requests = 0;
    const covered = new Set<string>();

    const ask = async (a: (typeof attackers)[number], method: 'get' | 'post', url: string) => {
      requests++;
      const res = method === 'get' ? await a.agent.get(url).redirects(0) : await a.agent.post(url).type('form').send({ _csrf: a.token });
      return res.status;
    };

    for (const route of routes) {
      const key = `${route.method.toUpperCase()} ${route.path}`;
      let url = route.path;
      let missingUrl = route.path;
      let placeholder = false;
      if (TOKEN_ROUTES.test(route.path)) {
        url = missingUrl = route.path.replace(/:(\w+)/g, (_m, p: string) => (p === 'file' ? 'feed-inventato.ics' : 'gettone-inventato-0000000000000000'));
      } else {
        const family = FAMILIES.find((f) => f.match.test(route.path));
        if (!family) {
          unfilled.push(`${key} (${route.area})`);
          continue;
        }
        if (!rows.has(family.match)) {
          const [row] = await platform.sequelize.query<Record<string, unknown>>(family.sql, { replacements: { own: body.id }, type: QueryTypes.SELECT }).catch((err: Error & { original?: Error }) => {
            throw new Error(`${family.match}: ${err.original?.message ?? err.message}`);
          });
          rows.set(family.match, row ?? {});
        }
        const row = rows.get(family.match)!;
        for (const p of paramsOf(route.path)) {
          const value = idFor(route.path, p, row);
          if (value === null || value === undefined) placeholder = true;
          url = url.replace(new RegExp(`:${p}\\b`), encodeURIComponent(String(value ?? MISSING_ID)));
          missingUrl = missingUrl.replace(new RegExp(`:${p}\\b`), p === 'slug' ? 'soluzione-inesistente' : MISSING_ID);
        }
      }
      if (placeholder) placeholders.push(key);
      covered.add(key);
      for (const a of attackers) {
        const status = await ask(a, route.method, url);
        if (status === 404) continue;
        const allowed = ALLOWED[key];
        if (allowed?.status.includes(status)) {
          allowedUsed.add(key);
          continue;
        }
        // A refusal by role that is the same for a missing record says nothing about the record.
        if ((status === 403 || status === 401) && (await ask(a, route.method, missingUrl)) === status) {
          roleGated.push(`${key} as ${a.role}: ${status}`);
          continue;
        }
        leaks.push(`${key} as ${a.role}: ${status} (${url})`);
      }
    }

    console.log(`      cross-body check: ${routes.length} routes with an id in ${new Set(routes.map((r) => r.area)).size} areas, ${covered.size} requested, ${requests} requests; ${placeholders.length} with a made-up id (no such record in the demo data); ${roleGated.length} refusals by role, alike for a missing id; ${allowedUsed.size} allowed (${[...allowedUsed].join(', ')})`);
    if (placeholders.length) console.log(`      made-up ids: ${placeholders.join(', ')}`);
    expect(unfilled, 'routes with an id that no family of this test fills: add them').to.deep.equal([]);
    expect(leaks, 'routes that answer a member of another body otherwise than 404').to.deep.equal([]);
    expect(covered.size).to.equal(routes.length);
  });
});
