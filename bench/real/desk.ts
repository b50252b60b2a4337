// The desk in `npm run bench -- real`: the staff queue and the members' lists at the 1,000 requests
// the driver loaded and again at 100,000 (distinct filters and pages, several staff and member
// sessions), then writes from 32 distinct sessions: members opening requests, staff replying,
// members replying, each a real multipart form with its session's CSRF token and a fresh
// idempotency key.
import { QueryTypes } from 'sequelize';
import { fmt, loginCookie, measure, type Measurement } from '../lib.js';
import type { RealContext, RealRow, RealSection } from './types.js';

const CATEGORIES = ['legal', 'strategic', 'procurement', 'technical', 'reuse', 'other'];
const PRIORITIES = ['low', 'normal', 'high', 'urgent'];
const STATES = ['open', 'closed', 'resolved', 'all', 'in_progress'];
const SORTS = ['due', 'updated', 'created', 'priority'];
const BOUNDARY = 'bench-desk-boundary';

/** A multipart body whose first part is the CSRF token, as the browser sends the desk's forms. */
function multipart(fields: Record<string, string>): string {
  const parts = [['_csrf', '[<csrf>]'], ['_idem', '[<uuid>]'], ...Object.entries(fields)];
  return `${parts.map(([k, v]) => `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`).join('')}--${BOUNDARY}--\r\n`;
}

/** How the desk's forms are posted, and the bodies the write measurements (and `bench -- profile`) send. */
export const FORM_POST = { method: 'POST' as const, headers: { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` }, expectStatus: 302 };
export const OPEN_FORM = multipart({ category: 'technical', priority: 'normal', subject: 'Richiesta di prova n. [<n>]', description: 'Descrizione della richiesta di prova [<n>]: contesto, esigenza e scadenze.' });
export const STAFF_REPLY_FORM = multipart({ internal: '', body: 'Risposta del centro n. [<n>]: ecco come procedere.', then: '' });
export const MEMBER_REPLY_FORM = multipart({ body: 'Risposta dell’ente n. [<n>]: grazie, procediamo.' });

/** Logs in and reads the session's CSRF token from a page with a form. */
async function session(baseUrl: string, email: string): Promise<{ cookie: string; csrf: string }> {
  const cookie = await loginCookie(baseUrl, email);
  const page = await (await fetch(`${baseUrl}/richieste/nuova`, { headers: { cookie } })).text();
  const csrf = page.match(/name="_csrf" value="([^"]+)"/)?.[1];
  if (!csrf) throw new Error(`no CSRF token for ${email}`);
  return { cookie, csrf };
}

function check(m: Measurement): Measurement {
  if (m.errors || m.non2xx) throw new Error(`${m.name}: ${m.non2xx} risposte inattese, ${m.errors} errori (stati: ${JSON.stringify(m.statuses)})`);
  return m;
}

type Sessions = { staff: Array<{ cookie: string; csrf: string }>; members: Array<{ cookie: string; csrf: string }>; memberIds: number[] };

/** Sessions of up to 4 staff and of `connections` members of bodies spread over the list. */
export async function sessions(ctx: RealContext): Promise<Sessions> {
  const { scratch, data, connections } = ctx;
  const { sequelize } = scratch.platform;
  const base = scratch.baseUrl;

  const staffEmails = (
    await sequelize.query<{ email: string }>(`SELECT email FROM users WHERE role IN ('staff','admin') AND status = 'active' AND password_hash IS NOT NULL ORDER BY id LIMIT 4`, { type: QueryTypes.SELECT })
  ).map((r) => r.email);
  // Members of bodies spread over the list, one session each; the first is the especially active body's.
  const step = Math.max(1, Math.floor(data.requesterIds.length / connections));
  const memberIds = Array.from({ length: connections }, (_, i) => data.requesterIds[(i * step) % data.requesterIds.length]);
  const memberEmails = (
    await sequelize.query<{ id: number; email: string }>('SELECT id, email FROM users WHERE id = ANY(CAST(:ids AS int[]))', { replacements: { ids: `{${memberIds.join(',')}}` }, type: QueryTypes.SELECT })
  ).map((r) => r.email);
  const staff = await Promise.all(staffEmails.map((e) => session(base, e)));
  const members: Array<{ cookie: string; csrf: string }> = [];
  for (const e of memberEmails) members.push(await session(base, e));
  return { staff, members, memberIds };
}

/** The queue and the lists at the 1,000 requests loaded, then at 100,000. */
export async function measureReads(ctx: RealContext, { staff, members }: Sessions): Promise<RealRow[]> {
  const FIRST = ctx.desk.generated();
  const TOTAL = ctx.desk.total;
  const { scratch, duration, connections, hello } = ctx;
  const { sequelize } = scratch.platform;
  const base = scratch.baseUrl;
  const rows: RealRow[] = [];
  const ratio = (m: Measurement) => m.reqPerSec / hello.reqPerSec;
  const queuePaths: string[] = [];
  for (const state of STATES)
    for (const category of ['', ...CATEGORIES])
      for (const sort of SORTS) for (const page of [1, 2, 3]) queuePaths.push(`/richieste?state=${state}${category ? `&category=${category}` : ''}&sort=${sort}${page > 1 ? `&page=${page}` : ''}`);
  for (const priority of PRIORITIES) for (const page of [1, 2]) queuePaths.push(`/richieste?priority=${priority}${page > 1 ? `&page=${page}` : ''}`);
  const listPaths = ['/richieste', '/richieste?page=2', '/richieste?state=closed', '/richieste?state=open', '/richieste?sort=created'];

  const reads = async (size: number) => {
    const [{ n }] = await sequelize.query<{ n: string }>('SELECT count(*) AS n FROM desk_requests', { type: QueryTypes.SELECT });
    console.log(`  sportello: ${n} richieste, misuro coda e elenchi…`);
    const opts = { connections, durationSeconds: duration };
    await measure('riscaldamento', `${base}/richieste`, { ...opts, durationSeconds: 2, paths: queuePaths, identities: staff.map((s) => ({ cookie: s.cookie })) });
    const queue = check(await measure(`coda staff (${size})`, `${base}/richieste`, { ...opts, paths: queuePaths, identities: staff.map((s) => ({ cookie: s.cookie })) }));
    const list = check(await measure(`elenco del membro (${size})`, `${base}/richieste`, { ...opts, paths: listPaths, identities: members.map((s) => ({ cookie: s.cookie })) }));
    return { queue, list };
  };

  const small = await reads(FIRST);
  const t0 = Date.now();
  await ctx.desk.grow(TOTAL);
  console.log(`  sportello: altre ${TOTAL - FIRST} richieste in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  const large = await reads(TOTAL);
  for (const [label, a, b] of [
    ['coda staff (filtri e pagine distinti, 4 operatori)', small.queue, large.queue],
    ['elenco del membro (pagine distinte, un membro per connessione)', small.list, large.list],
  ] as const) {
    rows.push({ section: 'desk', figure: `${label} a 1.000`, value: `${fmt(a.reqPerSec, 0)} req/s, p95 ${fmt(a.p95, 1)} ms`, ratio: fmt(ratio(a), 3), target: '', ok: null });
    const ok = ratio(b) >= 0.1 && b.p95 <= 1.2 * a.p95;
    rows.push({ section: 'desk', figure: `${label} a 100.000`, value: `${fmt(b.reqPerSec, 0)} req/s, p95 ${fmt(b.p95, 1)} ms`, ratio: fmt(ratio(b), 3), target: `≥ 0.10 e p95 ≤ 1,2 × ${fmt(a.p95, 1)} ms`, ok });
  }
  return rows;
}

/** Opening requests, staff replies and member replies, from distinct sessions. */
export async function measureWrites(ctx: RealContext, { staff, members, memberIds }: Sessions): Promise<RealRow[]> {
  const { scratch, duration, connections } = ctx;
  const { sequelize } = scratch.platform;
  const base = scratch.baseUrl;
  const rows: RealRow[] = [];
  const form = { connections, durationSeconds: duration, ...FORM_POST };
  const [{ last }] = await sequelize.query<{ last: number }>('SELECT max(id) AS last FROM desk_requests', { type: QueryTypes.SELECT });
  const opened = check(
    await measure('apertura di una richiesta', `${base}/richieste`, {
      ...form,
      identities: members.map((s) => ({ cookie: s.cookie })),
      forms: members.map((s) => ({ csrf: s.csrf })),
      body: OPEN_FORM,
    }),
  );
  // Each member's newest request gets the replies: staff from 4 sessions, then the member.
  const own = await sequelize.query<{ id: number; requester_id: number }>(
    `SELECT DISTINCT ON (requester_id) id, requester_id FROM desk_requests WHERE id > :last AND requester_id = ANY(CAST(:ids AS int[])) ORDER BY requester_id, id DESC`,
    { replacements: { last, ids: `{${memberIds.join(',')}}` }, type: QueryTypes.SELECT },
  );
  const byMember = new Map(own.map((r) => [r.requester_id, r.id]));
  const targets = memberIds.map((id) => byMember.get(id)).filter((id): id is number => id !== undefined);
  if (targets.length < memberIds.length) throw new Error(`solo ${targets.length} membri su ${memberIds.length} hanno aperto una richiesta`);
  const staffReply = check(
    await measure('risposta pubblica dello staff', `${base}/richieste`, {
      ...form,
      identities: targets.map((_, i) => ({ cookie: staff[i % staff.length].cookie })),
      forms: targets.map((id, i) => ({ csrf: staff[i % staff.length].csrf, path: `/richieste/${id}/messaggi` })),
      body: STAFF_REPLY_FORM,
    }),
  );
  const memberReply = check(
    await measure('risposta del membro', `${base}/richieste`, {
      ...form,
      identities: members.map((s) => ({ cookie: s.cookie })),
      forms: members.map((s, i) => ({ csrf: s.csrf, path: `/richieste/${targets[i]}/messaggi` })),
      body: MEMBER_REPLY_FORM,
    }),
  );
  for (const m of [opened, staffReply, memberReply]) {
    rows.push({ section: 'desk', figure: `${m.name} (${connections} sessioni distinte)`, value: `${fmt(m.reqPerSec, 0)} req/s, p50 ${fmt(m.p50, 1)} ms, p99 ${fmt(m.p99, 1)} ms`, ratio: '', target: 'p50 ≤ 100 ms e p99 ≤ 500 ms', ok: m.p50 <= 100 && m.p99 <= 500 });
  }
  return rows;
}

async function run(ctx: RealContext): Promise<RealRow[]> {
  const s = await sessions(ctx);
  return [...(await measureReads(ctx, s)), ...(await measureWrites(ctx, s))];
}

export const section: RealSection = { name: 'desk', run };
