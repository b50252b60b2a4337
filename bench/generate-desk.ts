// Desk scale data: requests with their messages (public replies and internal notes) and state
// history, spread over the bodies, generated in SQL (generate_series) so 100,000 requests take
// seconds. Most are closed, as in a centre that has worked for years; a few percent are open.
import { QueryTypes, type Sequelize } from 'sequelize';

const TOPICS = [
  'Informativa privacy per un nuovo servizio online',
  'Accesso civico generalizzato ai verbali',
  'Adesione a una convenzione Consip',
  'Migrazione dei servizi al cloud qualificato',
  'Conservazione a norma dei contratti',
  'Avvisi di pagamento pagoPA',
  'Messaggi ai cittadini su App IO',
  'Accesso con SPID e CIE',
  'Aggiornamento del piano triennale',
  'Pubblicazioni in albo pretorio',
  'Riuso di una soluzione del catalogo',
  'Affidamento diretto di servizi informatici',
];

/** One member per body (the requesters), created in bulk; returns their ids aligned with `bodyIds`. */
export async function generateRequesters(sequelize: Sequelize, bodyIds: number[]): Promise<number[]> {
  const rows = await sequelize.query<{ id: number; entity_id: number }>(
    `INSERT INTO users (email, name, role, entity_id, status)
     SELECT 'richiedente.' || b || '@bench.cithub.example', 'Richiedente ' || b, 'member', b, 'active' FROM unnest(CAST(:bodies AS int[])) AS b
     RETURNING id, entity_id`,
    { replacements: { bodies: `{${bodyIds.join(',')}}` }, type: QueryTypes.SELECT },
  );
  const byBody = new Map(rows.map((r) => [r.entity_id, r.id]));
  return bodyIds.map((b) => byBody.get(b)!);
}

/**
 * Inserts requests number `from`..`to` (1-based) of a run of `total`, with messages and history.
 * Bodies are picked by a fixed scramble of the request number, so every body gets its share; one
 * body may be made especially active (a twentieth of all requests), like a large comune.
 */
export async function generateDeskRequests(
  sequelize: Sequelize,
  opts: { bodyIds: number[]; requesterIds: number[]; staffIds: number[]; from: number; to: number; total: number; activeBodyIndex?: number },
): Promise<void> {
  const [{ max }] = await sequelize.query<{ max: number | null }>('SELECT max(id) AS max FROM desk_requests', { type: QueryTypes.SELECT });
  const lastId = max ?? 0;
  const replacements = {
    bodies: `{${opts.bodyIds.join(',')}}`,
    requesters: `{${opts.requesterIds.join(',')}}`,
    staff: `{${opts.staffIds.join(',')}}`,
    topics: `{${TOPICS.map((t) => `"${t}"`).join(',')}}`,
    from: opts.from,
    to: opts.to,
    total: opts.total,
    lastId,
    // One request in twenty comes from an especially active body (1-based index in bodyIds; 0 = none).
    active: (opts.activeBodyIndex ?? -1) + 1,
  };
  for (let start = opts.from; start <= opts.to; start += 20_000) {
    const end = Math.min(opts.to, start + 19_999);
    await sequelize.query(
      `WITH p AS (SELECT CAST(:bodies AS int[]) AS bodies, CAST(:requesters AS int[]) AS requesters, CAST(:staff AS int[]) AS staff, CAST(:topics AS text[]) AS topics),
       x AS (
         SELECT g, CASE WHEN CAST(:active AS int) > 0 AND g % 20 = 0 THEN CAST(:active AS int) ELSE 1 + ((g::bigint * 7919) % array_length(p.bodies, 1))::int END AS bi, p.*,
                (ARRAY['legal','strategic','procurement','technical','reuse','other'])[1 + g % 6] AS category,
                (ARRAY['low','normal','normal','normal','high','urgent'])[1 + ((g * 5 + g / 7) % 6)] AS priority,
                CASE WHEN (g * 37) % 100 < 93 THEN 'closed' WHEN (g * 37) % 100 < 95 THEN 'resolved' WHEN (g * 37) % 100 = 95 THEN 'waiting'
                     WHEN (g * 37) % 100 < 98 THEN 'in_progress' WHEN (g * 37) % 100 = 98 THEN 'assigned' ELSE 'new' END AS state
           FROM generate_series(CAST(:start AS int), CAST(:end AS int)) g, p
       ),
       y AS (
         SELECT x.*, CASE WHEN state = 'closed' THEN now() - interval '20 days' - (CAST(:total AS int) - g) * interval '13 minutes'
                          ELSE now() - (g % 300) * interval '1 hour' END AS created
           FROM x
       )
       INSERT INTO desk_requests (entity_id, requester_id, category, priority, state, subject, description, assignee_id, created_at, updated_at,
         last_activity_at, first_response_at, resolved_at, closed_at, first_response_due_at, resolution_due_at,
         first_response_minutes, resolution_minutes, first_response_met, resolution_met, message_count)
       SELECT bodies[bi], requesters[bi], category, priority, state,
              topics[1 + g % array_length(topics, 1)] || ' (n. ' || g || ')',
              'Descrizione della richiesta ' || g || ': contesto, esigenza e scadenze dell’ente.',
              CASE WHEN state = 'new' THEN NULL ELSE staff[1 + g % array_length(staff, 1)] END,
              created, created,
              created + CASE WHEN state IN ('new','assigned') THEN interval '0' ELSE interval '5 hours' END,
              CASE WHEN state IN ('new','assigned') THEN NULL ELSE created + interval '3 hours' END,
              CASE WHEN state IN ('resolved','closed') THEN created + interval '2 days' END,
              CASE WHEN state = 'closed' THEN created + interval '16 days' END,
              created + interval '1 day', created + interval '5 days',
              CASE WHEN state IN ('new','assigned') THEN NULL ELSE 120 + g % 400 END,
              CASE WHEN state IN ('resolved','closed') THEN 600 + g % 2400 END,
              CASE WHEN state IN ('new','assigned') THEN NULL ELSE g % 10 <> 0 END,
              CASE WHEN state IN ('resolved','closed') THEN g % 7 <> 0 END,
              CASE WHEN state IN ('new','assigned') THEN 0 ELSE 2 + g % 3 END
         FROM y`,
      { replacements: { ...replacements, start, end } },
    );
  }
  // Public replies alternate centre and body; one request in five also has an internal note.
  await sequelize.query(
    `INSERT INTO desk_messages (request_id, author_id, author_name, side, internal, body, created_at)
     SELECT r.id, CASE WHEN s % 2 = 1 THEN r.assignee_id ELSE r.requester_id END, CASE WHEN s % 2 = 1 THEN 'Operatore del centro' ELSE 'Richiedente' END,
            CASE WHEN s % 2 = 1 THEN 'staff' ELSE 'body' END, false, 'Messaggio ' || s || ' della richiesta ' || r.id || '.', r.created_at + s * interval '1 hour'
       FROM desk_requests r CROSS JOIN LATERAL generate_series(1, r.message_count) s
      WHERE r.id > :lastId;
     INSERT INTO desk_messages (request_id, author_id, author_name, side, internal, body, created_at)
     SELECT r.id, r.assignee_id, 'Operatore del centro', 'staff', true, 'Nota interna sulla richiesta ' || r.id || '.', r.created_at + interval '2 hours'
       FROM desk_requests r WHERE r.id > :lastId AND r.id % 5 = 0 AND r.assignee_id IS NOT NULL;
     INSERT INTO desk_events (request_id, at, actor_id, actor_name, kind, from_value, to_value)
     SELECT r.id, r.created_at, r.requester_id, 'Richiedente', 'created', NULL, 'new' FROM desk_requests r WHERE r.id > :lastId;
     INSERT INTO desk_events (request_id, at, actor_id, actor_name, kind, from_value, to_value, action)
     SELECT r.id, r.created_at + s.ord * interval '1 hour', r.assignee_id, 'Operatore del centro', 'state', (ARRAY['new'] || c.chain)[s.ord], s.st, NULL
       FROM desk_requests r
       CROSS JOIN LATERAL (SELECT CASE r.state WHEN 'assigned' THEN ARRAY['assigned'] WHEN 'in_progress' THEN ARRAY['assigned','in_progress']
                                   WHEN 'waiting' THEN ARRAY['assigned','in_progress','waiting'] WHEN 'resolved' THEN ARRAY['assigned','in_progress','resolved']
                                   WHEN 'closed' THEN ARRAY['assigned','in_progress','resolved','closed'] ELSE ARRAY[]::text[] END AS chain) c
       CROSS JOIN LATERAL unnest(c.chain) WITH ORDINALITY AS s(st, ord)
      WHERE r.id > :lastId;`,
    { replacements },
  );
  await sequelize.query('VACUUM ANALYZE desk_requests, desk_messages, desk_events');
}
