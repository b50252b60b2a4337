// Scale data for the tenders benchmark, inserted in bulk with SQL: dossiers (half public) with two
// lots, five milestones, eight participating bodies and a few history rows each.
import type { Sequelize } from 'sequelize';

const SUBJECTS = ['Migrazione al cloud', 'Rifacimento dei siti web', 'Integrazione pagoPA e App IO', 'Protocollo informatico', 'Conservazione digitale', 'Notifiche digitali (SEND)', 'Postazioni di lavoro', 'Connettività e Wi-Fi pubblico'];
const PROCEDURES = ['procedura_aperta', 'procedura_negoziata', 'affidamento_diretto', 'adesione_convenzione', 'mepa'];
const PHASES = ['needs_collection', 'preparation', 'published', 'evaluation', 'awarded', 'contract', 'execution', 'closed'];

export async function generateTenders(sequelize: Sequelize, opts: { n: number; bodyIds: number[]; rupUserId: number }): Promise<void> {
  const { n, bodyIds, rupUserId } = opts;
  await sequelize.query(
    `INSERT INTO tender_dossiers (title, object, category, cpv, procedure, estimated_value_cents, rup_user_id, phase, is_public, updated_at)
     SELECT (ARRAY[:subjects])[1 + g % :ns] || ' — lotto territoriale ' || g, 'Gara aggregata generata per il benchmark n. ' || g, 'services', '72000000-5',
            (ARRAY[:procedures])[1 + g % 5], (10000000 + (g * 7919) % 90000000)::bigint, :rup, (ARRAY[:phases])[1 + g % 8], g % 2 = 0,
            now() - (g || ' minutes')::interval
       FROM generate_series(1, :n) g`,
    { replacements: { subjects: SUBJECTS, ns: SUBJECTS.length, procedures: PROCEDURES, phases: PHASES, rup: rupUserId, n } },
  );
  await sequelize.query(
    `INSERT INTO tender_lots (dossier_id, number, title, value_cents, status)
     SELECT d.id, k, 'Lotto ' || k, d.estimated_value_cents / 2, 'planned'
       FROM tender_dossiers d CROSS JOIN generate_series(1, 2) k WHERE d.title LIKE '% — lotto territoriale %'`,
  );
  await sequelize.query(
    `INSERT INTO tender_milestones (dossier_id, kind, title, due_on, owner_user_id)
     SELECT d.id, (ARRAY['needs_deadline','publication','offers_deadline','award','contract_signature'])[k], 'Scadenza ' || k,
            current_date + ((d.id % 60) - 20 + k * 15), :rup
       FROM tender_dossiers d CROSS JOIN generate_series(1, 5) k WHERE d.title LIKE '% — lotto territoriale %'`,
    { replacements: { rup: rupUserId } },
  );
  await sequelize.query(
    `INSERT INTO tender_participants (dossier_id, entity_id, status, share_cents)
     SELECT DISTINCT ON (d.id, e) d.id, e, (ARRAY['invited','interested','joined','joined'])[1 + (d.id + k) % 4], 1000000
       FROM tender_dossiers d CROSS JOIN generate_series(1, 8) k
       CROSS JOIN LATERAL (SELECT (ARRAY[:bodies]::int[])[1 + (d.id * 31 + k * 17) % :nb] AS e) b
      WHERE d.title LIKE '% — lotto territoriale %'
     ON CONFLICT DO NOTHING`,
    { replacements: { bodies: bodyIds, nb: bodyIds.length } },
  );
  await sequelize.query(
    `INSERT INTO tender_events (dossier_id, actor_user_id, actor_name, kind, summary)
     SELECT d.id, :rup, 'Marco Quarta', 'dossier-updated', 'Modifica ' || k
       FROM tender_dossiers d CROSS JOIN generate_series(1, 10) k WHERE d.title LIKE '% — lotto territoriale %'`,
    { replacements: { rup: rupUserId } },
  );
  await sequelize.query('ANALYZE tender_dossiers, tender_lots, tender_milestones, tender_participants, tender_events');
}
