// npm run bench -- certificates [people]: a held one-hour webinar of a cycle with `people` (500)
// registered people of 50 comuni, all present; times issuing their certificates in one run (codes,
// rows, the mails queued, in one transaction) and then producing every PDF (text, QR code), as the
// holders download them. Prints both figures and the PDF size.
import { QueryTypes } from 'sequelize';
import { issueCertificates, certificatesOfCycle, renderCertificate } from '../src/modules/training/certificates.js';
import { createCycle, createSession } from '../src/modules/training/service.js';
import { findPersonByEmail } from '../src/modules/accounts/index.js';
import type { Actor } from '../src/platform/actor.js';
import { generateBodies } from './generate.js';
import { fmt, printTable, startScratch } from './lib.js';

export async function run(args: string[]): Promise<void> {
  const people = Number(args[0] ?? 500);
  const scratch = await startScratch();
  try {
    const { platform } = scratch;
    const { sequelize } = platform;
    const staff = (await findPersonByEmail('staff@cithub.example'))!;
    const actor: Actor = { userId: staff.id, email: staff.email, name: staff.name, role: staff.role, entityId: null, ip: '127.0.0.1' };
    const bodies = await generateBodies(sequelize, 50);
    const cycle = await createCycle(platform, actor, {
      title: 'Ciclo di webinar per la digitalizzazione dei comuni (bench)',
      description: '',
      audience: 'staff',
      competences: ['1.1', '2.1', '3.1'],
      level: 'base',
      hours: '1',
      organiser: 'CIT',
      speakers: '',
      attendancePercent: '80',
      offerHours: '24',
      retentionDays: '90',
      state: 'published',
    });
    const day = new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10);
    const session = await createSession(platform, actor, cycle.id, { title: 'Sessione 1', day, time: '10:00', durationMinutes: '60', mode: 'online', link: 'https://meet.example/bench', capacity: String(people) });
    await sequelize.query(
      `INSERT INTO users (email, name, role, entity_id, status)
       SELECT 'bench-cert-' || g || '@comune.example', 'Persona ' || g, 'member', (ARRAY[:bodies]::int[])[1 + g % :n], 'active' FROM generate_series(1, :people) g`,
      { replacements: { bodies, n: bodies.length, people } },
    );
    await sequelize.query(
      `INSERT INTO training_registrations (session_id, user_id, entity_id, state, confirmed_at)
       SELECT :sessionId, u.id, u.entity_id, 'confirmed', now() FROM users u WHERE u.email LIKE 'bench-cert-%'`,
      { replacements: { sessionId: session.id } },
    );
    await sequelize.query(`UPDATE training_sessions SET starts_at = now() - interval '1 day' WHERE id = :id`, { replacements: { id: session.id } });
    await sequelize.query(
      `INSERT INTO training_attendance (registration_id, session_id, status, minutes, source) SELECT id, session_id, 'present', 58, 'import' FROM training_registrations WHERE session_id = :id`,
      { replacements: { id: session.id } },
    );

    const t0 = performance.now();
    const { issued } = await issueCertificates(platform, actor, cycle.id);
    const issueMs = performance.now() - t0;
    if (issued !== people) throw new Error(`${issued} attestati emessi invece di ${people}`);

    const certs = await certificatesOfCycle(platform, cycle.id);
    let bytes = 0;
    const t1 = performance.now();
    for (const c of certs) bytes += (await renderCertificate(platform, c)).length;
    const pdfMs = performance.now() - t1;
    const [{ n }] = await sequelize.query<{ n: number }>(`SELECT count(*)::int AS n FROM training_certificates WHERE cycle_id = :id`, { replacements: { id: cycle.id }, type: QueryTypes.SELECT });

    console.log(`\n${n} attestati di ${people} persone di ${bodies.length} comuni`);
    printTable([
      { fase: 'emissione (codici, righe, mail in coda)', 'totale ms': fmt(issueMs, 0), 'ms per attestato': fmt(issueMs / people, 2) },
      { fase: 'PDF (testo e QR code)', 'totale ms': fmt(pdfMs, 0), 'ms per attestato': fmt(pdfMs / people, 2) },
      { fase: 'totale', 'totale ms': fmt(issueMs + pdfMs, 0), 'ms per attestato': fmt((issueMs + pdfMs) / people, 2) },
    ]);
    console.log(`PDF medio: ${fmt(bytes / certs.length / 1024, 1)} KB`);
  } finally {
    await scratch.stop();
  }
}
