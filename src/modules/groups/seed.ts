// Demo data: the "Tavolo tecnico RTD — Provincia di Lecce" with RTDs of several Salento comuni, a
// closed sitting whose minutes wait for approval and the next sitting convened (with the approval on
// its agenda), and a R.I.S.O.-style project group with a sponsor, a facilitator and a supplier invited
// as a guest. Written straight into the tables: loading demo data sends no mail.
import { QueryTypes } from 'sequelize';
import type { Platform } from '../../platform/context.js';
import { messageTranslator } from '../../platform/i18n.js';
import { msg } from '../../platform/messages.js';
import { ensureActiveUser } from '../accounts/index.js';
import { bodiesByIpa } from '../entities/index.js';

const PASSWORD = 'cithub-demo';
export const DEMO_RTD_TABLE = 'Tavolo tecnico RTD — Provincia di Lecce';
export const DEMO_PROJECT_GROUP = 'Gruppo di progetto R.I.S.O. — Servizi digitali dell’Unione della Grecìa Salentina';

export async function seedGroups(platform: Platform): Promise<void> {
  const one = async <T extends object>(sql: string, replacements: Record<string, unknown>) =>
    (await platform.sequelize.query<T>(sql, { replacements, type: QueryTypes.SELECT }))[0];
  if (await one<{ id: number }>('SELECT id FROM groups_groups WHERE name = :n', { n: DEMO_RTD_TABLE })) return;
  const bodies = await bodiesByIpa();
  const body = (ipa: string) => bodies.get(ipa)?.id ?? null;
  const person = (email: string, name: string, role: 'staff' | 'rtd' | 'member', ipa: string | null) => ensureActiveUser({ email, name, role, entityId: ipa ? body(ipa) : null }, PASSWORD);
  const staff = await person('staff@cithub.example', 'Marco Quarta', 'staff', 'c_e506');
  const secretary = await person('segreteria@cithub.example', 'Lucia Greco', 'staff', 'c_e506');
  const rtds = [
    await person('rtd@galatina.cithub.example', 'Antonio Vergine', 'rtd', 'c_d862'),
    await person('rtd@otranto.cithub.example', 'Francesca De Donno', 'rtd', 'c_g188'),
    await person('rtd@maglie.cithub.example', 'Luigi Pascali', 'rtd', 'c_e815'),
    await person('rtd@castro.cithub.example', 'Serena Ciullo', 'rtd', 'c_c336'),
  ];
  const sponsor = await person('sindaco@melpignano.cithub.example', 'Valentina Avantaggiato', 'member', 'c_f101');
  const facilitator = await person('segretario@calimera.cithub.example', 'Giorgio Tommasi', 'member', 'c_b413');
  const referent = await person('rtd@martano.cithub.example', 'Chiara Stefanelli', 'rtd', 'c_e979');

  await platform.sequelize.transaction(async (transaction) => {
    const q = async <T extends object>(sql: string, replacements: Record<string, unknown>) => (await platform.sequelize.query<T>(sql, { replacements, type: QueryTypes.SELECT, transaction }))[0];
    const group = async (name: string, kind: string, purpose: string, visibility: string, members: Array<[number, string, number | null]>) => {
      const g = await q<{ id: number }>(`INSERT INTO groups_groups (name, kind, purpose, visibility, created_by) VALUES (:name, :kind, :purpose, :visibility, :by) RETURNING id`, { name, kind, purpose, visibility, by: staff.id });
      for (const [userId, role, entityId] of members) {
        await q('INSERT INTO groups_members (group_id, user_id, role, entity_id) VALUES (:g, :u, :role, :e) RETURNING id', { g: g.id, u: userId, role, e: entityId });
        if (entityId) await q('INSERT INTO groups_bodies (group_id, entity_id) VALUES (:g, :e) ON CONFLICT DO NOTHING RETURNING group_id', { g: g.id, e: entityId });
      }
      return g.id;
    };
    const meeting = async (groupId: number, title: string, daysFromNow: number, state: string, minutes: string, place: string, link: string | null) =>
      (
        await q<{ id: number }>(
          `INSERT INTO groups_meetings (group_id, title, starts_at, ends_at, place, link, state, minutes_state, convened_at, closed_at, created_by)
           VALUES (:g, :title, date_trunc('day', now()) + make_interval(days => :d) + interval '9 hours', date_trunc('day', now()) + make_interval(days => :d) + interval '11 hours',
                   :place, :link, :state, :minutes, now() - interval '70 days', CASE WHEN :state = 'closed' THEN now() + make_interval(days => :d) ELSE NULL END, :by) RETURNING id`,
          { g: groupId, title, d: daysFromNow, state, minutes, place, link, by: staff.id },
        )
      ).id;
    const item = async (meetingId: number, position: number, title: string, presenter: string | null, summary: string | null, kind = 'topic', approves: number | null = null) =>
      (
        await q<{ id: number }>(
          `INSERT INTO groups_agenda_items (meeting_id, position, title, presenter, summary, kind, approves_meeting_id, duration_minutes) VALUES (:m, :p, :title, :presenter, :summary, :kind, :a, 30) RETURNING id`,
          { m: meetingId, p: position, title, presenter, summary, kind, a: approves },
        )
      ).id;
    const invite = async (meetingId: number, people: Array<{ id: number; name: string; email: string; entityId: number | null }>, role: string, attendance: (i: number) => string | null, answer: string | null) => {
      let i = 0;
      for (const p of people) {
        await q(
          `INSERT INTO groups_participants (meeting_id, user_id, entity_id, role, name, email, answer, answered_at, attendance) VALUES (:m, :u, :e, :role, :name, :email, :answer, CASE WHEN :answer::text IS NULL THEN NULL ELSE now() END, :att) RETURNING id`,
          { m: meetingId, u: p.id, e: p.entityId, role, name: p.name, email: p.email, answer, att: attendance(i++) },
        );
      }
    };

    // The RTD table of the province, public to every adhering body.
    const rtdTable = await group(
      DEMO_RTD_TABLE,
      'technical',
      'Coordinamento dei Responsabili per la Transizione al Digitale dei comuni aderenti della provincia: obblighi del CAD, misure PNRR, soluzioni in riuso. Si riunisce almeno due volte l’anno, come prevede la convenzione.',
      'public',
      [[staff.id, 'coordinator', body('c_e506')], [secretary.id, 'secretary', body('c_e506')], ...rtds.map((r) => [r.id, 'referent', r.entityId] as [number, string, number | null])],
    );
    const past = await meeting(rtdTable, 'Prima seduta: piano delle attività', -60, 'closed', 'circulated', 'Sala consiliare, Palazzo dei Celestini, Lecce', null);
    const i1 = await item(past, 1, 'Stato di avanzamento delle misure PNRR 1.4.1 e 1.4.4', 'Marco Quarta', 'Il coordinatore illustra lo stato dei progetti finanziati: sette comuni su otto hanno contrattualizzato il fornitore del sito.');
    await item(past, 2, 'Regolamento informatico in riuso', 'Antonio Vergine', 'Galatina presenta il proprio regolamento, disponibile nel catalogo del riuso.');
    await q('INSERT INTO groups_decisions (item_id, text) VALUES (:i, :t) RETURNING id', { i: i1, t: 'Il tavolo adotta un cronoprogramma comune per l’asseverazione dei siti entro giugno.' });
    await q(
      `INSERT INTO groups_actions (group_id, meeting_id, item_id, owner_user_id, owner_entity_id, title, due_on) VALUES (:g, :m, :i, :u, :e, :t, (now() + interval '20 days')::date) RETURNING id`,
      { g: rtdTable, m: past, i: i1, u: rtds[1].id, e: rtds[1].entityId, t: 'Condividere la check-list di accessibilità usata per il sito di Otranto' },
    );
    const staffPeople = [staff, secretary].map((p) => ({ id: p.id, name: p.name, email: p.email, entityId: p.entityId }));
    const rtdPeople = rtds.map((p) => ({ id: p.id, name: p.name, email: p.email, entityId: p.entityId }));
    await invite(past, staffPeople, 'coordinator', () => 'present', 'yes');
    await invite(past, rtdPeople, 'referent', (i) => (i === 3 ? 'excused' : i === 2 ? 'absent' : 'present'), 'yes');
    const next = await meeting(rtdTable, 'Seconda seduta: interoperabilità e PDND', 12, 'convened', 'none', 'Sala consiliare, Palazzo dei Celestini, Lecce', 'https://meet.cithub.example/tavolo-rtd-lecce');
    await item(next, 0, messageTranslator('it')(msg('groups:agenda.approvalTitle', { title: 'Prima seduta: piano delle attività' })), null, null, 'approval', past);
    await item(next, 1, 'Adesione alla PDND e primi e-service (misura 1.3.1)', 'Francesca De Donno', null);
    await item(next, 2, 'Varie ed eventuali', null, null);
    await invite(next, staffPeople, 'coordinator', () => null, 'yes');
    await invite(next, rtdPeople, 'referent', () => null, null);

    // A R.I.S.O.-style project group: reserved, with a sponsor (the mayor), a facilitator, and the supplier as a guest.
    const project = await group(
      DEMO_PROJECT_GROUP,
      'project',
      'Progettazione dei nuovi servizi digitali con la società informatica incaricata: il sindaco come sponsor dell’area a sviluppo locale distintivo, il segretario comunale come facilitatore del cambiamento organizzativo.',
      'reserved',
      [[staff.id, 'coordinator', body('c_e506')], [sponsor.id, 'sponsor', sponsor.entityId], [facilitator.id, 'facilitator', facilitator.entityId], [referent.id, 'referent', referent.entityId]],
    );
    const kickoff = await meeting(project, 'Incontro con il fornitore: analisi dei servizi', 5, 'convened', 'none', 'Municipio di Melpignano', null);
    await item(kickoff, 1, 'Mappa dei servizi da digitalizzare', 'Giorgio Tommasi', null);
    await item(kickoff, 2, 'Proposta di prototipo del fornitore', 'Nicola Longo (Salento Digitale srl)', null);
    await invite(kickoff, [staff, sponsor, facilitator, referent].map((p) => ({ id: p.id, name: p.name, email: p.email, entityId: p.entityId })), 'member', () => null, null);
    await q(`INSERT INTO groups_participants (meeting_id, name, email, organisation, guest, role) VALUES (:m, 'Nicola Longo', 'n.longo@salentodigitale.example', 'Salento Digitale srl', true, 'guest') RETURNING id`, { m: kickoff });
  });
}
