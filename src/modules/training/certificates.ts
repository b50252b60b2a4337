// Certificates of participation (attestati): issued only to people who met the cycle's attendance
// rule in at least one session, with the hours in proportion to the sessions attended, a unique
// verification code and a QR code to the public page /formazione/verifica/:code. The PDF is real
// text (pdfkit), so it can be read, searched and checked.
import { randomInt } from 'node:crypto';
import PDFDocument from 'pdfkit';
import QRCode from 'qrcode';
import { QueryTypes, type Transaction } from 'sequelize';
import type { Actor, Viewer } from '../../platform/actor.js';
import type { Platform } from '../../platform/context.js';
import { ConflictError, NotFoundError } from '../../platform/errors.js';
import { formatters, formattersFor } from '../../platform/format.js';
import { translator } from '../../platform/i18n.js';
import { msg } from '../../platform/messages.js';
import { parseInput } from '../../platform/validation.js';
import { TrainingCycle } from './models.js';
import { revokeSchema } from './schemas.js';
import { competenceLabel } from './service.js';

const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
const CODE_SHAPE = /^[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}$/;

/** A verification code: 12 characters of an unambiguous alphabet (about 60 bits), in three groups. */
export function newCode(): string {
  let s = '';
  for (let i = 0; i < 12; i++) s += ALPHABET[randomInt(ALPHABET.length)];
  return `${s.slice(0, 4)}-${s.slice(4, 8)}-${s.slice(8)}`;
}

/** A typed code read the forgiving way: lower case, spaces, missing dashes. */
export function normaliseCode(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const raw = value.toUpperCase().replace(/[^A-Z0-9]/g, '');
  if (raw.length !== 12) return null;
  const code = `${raw.slice(0, 4)}-${raw.slice(4, 8)}-${raw.slice(8)}`;
  return CODE_SHAPE.test(code) ? code : null;
}

export type Certificate = {
  id: number;
  code: string;
  cycleId: number;
  userId: number | null;
  entityId: number | null;
  holderName: string;
  bodyName: string | null;
  title: string;
  firstDay: string;
  lastDay: string;
  hours: number;
  competences: string[];
  sessionsAttended: number;
  sessionsTotal: number;
  issuedAt: Date;
  revokedAt: Date | null;
  revokedReason: string | null;
};

type CertRow = { id: number; code: string; cycle_id: number; user_id: number | null; entity_id: number | null; holder_name: string; body_name: string | null; title: string; first_day: string; last_day: string; hours: string; competences: string[]; sessions_attended: number; sessions_total: number; issued_at: Date; revoked_at: Date | null; revoked_reason: string | null };
const CERT_COLUMNS = `id, code, cycle_id, user_id, entity_id, holder_name, body_name, title, to_char(first_day, 'YYYY-MM-DD') AS first_day, to_char(last_day, 'YYYY-MM-DD') AS last_day, hours, competences, sessions_attended, sessions_total, issued_at, revoked_at, revoked_reason`;
const certOf = (r: CertRow): Certificate => ({
  id: r.id,
  code: r.code,
  cycleId: r.cycle_id,
  userId: r.user_id,
  entityId: r.entity_id,
  holderName: r.holder_name,
  bodyName: r.body_name,
  title: r.title,
  firstDay: r.first_day,
  lastDay: r.last_day,
  hours: Number(r.hours),
  competences: r.competences,
  sessionsAttended: r.sessions_attended,
  sessionsTotal: r.sessions_total,
  issuedAt: r.issued_at,
  revokedAt: r.revoked_at,
  revokedReason: r.revoked_reason,
});

type Candidate = { user_id: number; entity_id: number | null; name: string; email: string; locale: string; body_name: string | null; minutes: string; attended: string; first_day: string; last_day: string };

async function candidates(platform: Platform, cycleId: number, transaction: Transaction, userId?: number): Promise<Candidate[]> {
  return platform.sequelize.query<Candidate>(
    `SELECT r.user_id, u.entity_id, u.name, u.email, u.locale, e.name AS body_name, sum(s.duration_minutes) AS minutes, count(*) AS attended,
            to_char(min(s.starts_at AT TIME ZONE 'Europe/Rome'), 'YYYY-MM-DD') AS first_day, to_char(max(s.starts_at AT TIME ZONE 'Europe/Rome'), 'YYYY-MM-DD') AS last_day
       FROM training_registrations r
       JOIN training_sessions s ON s.id = r.session_id
       JOIN training_attendance a ON a.registration_id = r.id
       JOIN users u ON u.id = r.user_id
       LEFT JOIN entities e ON e.id = u.entity_id
      WHERE s.cycle_id = :cycleId AND s.state = 'scheduled' AND r.state = 'confirmed' AND a.status IN ('present','late') ${userId ? 'AND r.user_id = :userId' : ''}
        AND NOT EXISTS (SELECT 1 FROM training_certificates c WHERE c.cycle_id = :cycleId AND c.user_id = r.user_id AND c.revoked_at IS NULL)
      GROUP BY r.user_id, u.entity_id, u.name, u.email, u.locale, e.name ORDER BY u.name, r.user_id`,
    { replacements: { cycleId, userId: userId ?? null }, type: QueryTypes.SELECT, transaction },
  );
}

/**
 * Issues the certificates of a cycle to everyone who qualifies and has none yet (or, with `userId`,
 * to that person, refusing one who did not attend). Returns how many were issued.
 */
export async function issueCertificates(platform: Platform, actor: Actor, cycleId: number, opts: { userId?: number } = {}): Promise<{ issued: number }> {
  const cycle = await TrainingCycle.findByPk(cycleId);
  if (!cycle) throw new NotFoundError('training:error.notFound');
  if (cycle.audience === 'citizens') throw new ConflictError('training:error.noCertificatesForCitizens');
  return platform.sequelize.transaction(async (transaction) => {
    // One issuing run per cycle at a time (a double click issues nothing twice).
    await platform.sequelize.query(`SELECT id FROM training_cycles WHERE id = :cycleId FOR UPDATE`, { replacements: { cycleId }, transaction });
    const [{ total, sessions }] = await platform.sequelize.query<{ total: string | null; sessions: string }>(
      `SELECT sum(duration_minutes) AS total, count(*) AS sessions FROM training_sessions WHERE cycle_id = :cycleId AND state = 'scheduled'`,
      { replacements: { cycleId }, type: QueryTypes.SELECT, transaction },
    );
    const list = await candidates(platform, cycleId, transaction, opts.userId);
    if (opts.userId && !list.length) {
      const [has] = await platform.sequelize.query(`SELECT 1 FROM training_certificates WHERE cycle_id = :cycleId AND user_id = :userId AND revoked_at IS NULL`, { replacements: { cycleId, userId: opts.userId }, type: QueryTypes.SELECT, transaction });
      throw new ConflictError(has ? 'training:error.alreadyCertified' : 'training:error.didNotAttend');
    }
    const totalMinutes = Number(total ?? 0);
    for (const c of list) {
      const hours = Math.round(((cycle.hours * Number(c.minutes)) / totalMinutes) * 100) / 100;
      const [row] = await platform.sequelize.query<{ code: string }>(
        `INSERT INTO training_certificates (code, cycle_id, user_id, entity_id, holder_name, body_name, title, first_day, last_day, hours, competences, sessions_attended, sessions_total)
         VALUES (:code, :cycleId, :userId, :entityId, :name, :bodyName, :title, :firstDay, :lastDay, :hours, ARRAY(SELECT jsonb_array_elements_text(CAST(:competences AS jsonb))), :attended, :sessions) RETURNING code`,
        {
          replacements: { code: newCode(), cycleId, userId: c.user_id, entityId: c.entity_id, name: c.name || c.email, bodyName: c.body_name, title: cycle.title, firstDay: c.first_day, lastDay: c.last_day, hours: Math.max(hours, 0.01), competences: JSON.stringify(cycle.competences), attended: Number(c.attended), sessions: Number(sessions) },
          type: QueryTypes.SELECT,
          transaction,
        },
      );
      await platform.mail.send(
        {
          to: c.email,
          lang: c.locale === 'en' ? 'en' : 'it',
          subject: msg('training:mail.subject.certificate', { cycle: cycle.title }),
          template: 'training-certificate',
          data: { name: c.name, cycleTitle: cycle.title, hoursText: formattersFor(c.locale === 'en' ? 'en' : 'it').number(hours), code: row.code, link: `${platform.config.baseUrl}/formazione/miei`, verifyLink: `${platform.config.baseUrl}/formazione/verifica/${row.code}` },
        },
        transaction,
      );
    }
    await platform.audit.record(actor, { action: 'training.certificates.issue', subjectType: 'training_cycle', subjectId: cycleId, details: { issued: list.length } }, transaction);
    return { issued: list.length };
  });
}

export async function certificatesOfCycle(platform: Platform, cycleId: number): Promise<Certificate[]> {
  const rows = await platform.sequelize.query<CertRow>(`SELECT ${CERT_COLUMNS} FROM training_certificates WHERE cycle_id = :cycleId ORDER BY holder_name, id`, { replacements: { cycleId }, type: QueryTypes.SELECT });
  return rows.map(certOf);
}

export async function certificatesOfUser(platform: Platform, userId: number): Promise<Certificate[]> {
  const rows = await platform.sequelize.query<CertRow>(`SELECT ${CERT_COLUMNS} FROM training_certificates WHERE user_id = :userId ORDER BY last_day DESC, id DESC`, { replacements: { userId }, type: QueryTypes.SELECT });
  return rows.map(certOf);
}

/** The public check of a code: the certificate (valid or revoked), or null for a code that does not exist. */
export async function verifyCode(platform: Platform, value: unknown): Promise<Certificate | null> {
  const code = normaliseCode(value);
  if (!code) return null;
  const [row] = await platform.sequelize.query<CertRow>(`SELECT ${CERT_COLUMNS} FROM training_certificates WHERE code = :code`, { replacements: { code }, type: QueryTypes.SELECT });
  return row ? certOf(row) : null;
}

/** A certificate its holder or staff may download (others: 404). */
export async function certificateForDownload(platform: Platform, viewer: Viewer, id: number): Promise<Certificate> {
  const [row] = id > 0 ? await platform.sequelize.query<CertRow>(`SELECT ${CERT_COLUMNS} FROM training_certificates WHERE id = :id`, { replacements: { id }, type: QueryTypes.SELECT }) : [];
  const isStaffViewer = !!viewer && (viewer.role === 'staff' || viewer.role === 'admin');
  if (!row || !viewer || (row.user_id !== viewer.userId && !isStaffViewer)) throw new NotFoundError('training:error.notFound', row ? 'training.certificate.download' : undefined);
  if (row.revoked_at && !isStaffViewer) throw new NotFoundError('training:error.certificateRevoked');
  return certOf(row);
}

export async function revokeCertificate(platform: Platform, actor: Actor, id: number, input: unknown): Promise<Certificate> {
  const { reason } = parseInput(revokeSchema, input);
  return platform.sequelize.transaction(async (transaction) => {
    const [row] = await platform.sequelize.query<CertRow>(
      `UPDATE training_certificates SET revoked_at = now(), revoked_reason = :reason, revoked_by = :by WHERE id = :id AND revoked_at IS NULL RETURNING ${CERT_COLUMNS}`,
      { replacements: { id, reason, by: actor.userId }, type: QueryTypes.SELECT, transaction },
    );
    if (!row) {
      const [exists] = await platform.sequelize.query(`SELECT 1 FROM training_certificates WHERE id = :id`, { replacements: { id }, type: QueryTypes.SELECT, transaction });
      if (!exists) throw new NotFoundError('training:error.notFound');
      throw new ConflictError('training:error.alreadyRevoked');
    }
    await platform.audit.record(actor, { action: 'training.certificate.revoke', subjectType: 'training_certificate', subjectId: id, entityId: row.entity_id, details: { code: row.code, reason } }, transaction);
    return certOf(row);
  });
}


/** The QR code of a certificate's verification page (PNG). */
export function certificateQr(platform: Platform, cert: Pick<Certificate, 'code'>): Promise<Buffer> {
  return QRCode.toBuffer(verifyUrlOf(platform, cert.code), { errorCorrectionLevel: 'M', margin: 1, width: 240 });
}

const verifyUrlOf = (platform: Platform, code: string) => `${platform.config.baseUrl}/formazione/verifica/${code}`;

export const certificateFilename = (cert: Pick<Certificate, 'code'>) => `attestato-${cert.code}.pdf`;
export const certificateTitle = (cert: Pick<Certificate, 'code'>) => `${translator('it')('training:pdf.title')} ${cert.code}`;

/** Writes a certificate on a pdfkit document (A4 portrait): real text, the QR code to the verify page. */
export function writeCertificate(doc: PDFKit.PDFDocument, platform: Platform, cert: Certificate, qr: Buffer): void {
  const t = translator('it');
  const left = doc.page.margins.left;
  const width = doc.page.width - left - doc.page.margins.right;
  doc.moveDown(2).font('Helvetica-Bold').fontSize(26).fillColor('#0066cc').text(t('training:pdf.title'), { align: 'center', width });
  doc.moveDown(0.3).font('Helvetica').fontSize(12).fillColor('#333333').text(platform.config.centre.name, { align: 'center', width });
  doc.moveDown(2).fontSize(14).fillColor('#000000').text(t('training:pdf.certify'), { align: 'center', width });
  doc.moveDown(0.5).font('Helvetica-Bold').fontSize(22).text(cert.holderName, { align: 'center', width });
  if (cert.bodyName) doc.moveDown(0.2).font('Helvetica').fontSize(13).text(t('training:pdf.ofBody', { body: cert.bodyName }), { align: 'center', width });
  doc.moveDown(1).font('Helvetica').fontSize(14).text(t('training:pdf.attended'), { align: 'center', width });
  doc.moveDown(0.3).font('Helvetica-Bold').fontSize(17).text(`«${cert.title}»`, { align: 'center', width });
  const dates = cert.firstDay === cert.lastDay ? t('training:pdf.onDay', { day: formatters.date(cert.firstDay) }) : t('training:pdf.fromTo', { from: formatters.date(cert.firstDay), to: formatters.date(cert.lastDay) });
  doc.moveDown(0.5).font('Helvetica').fontSize(13).text(dates, { align: 'center', width });
  doc.moveDown(0.5).font('Helvetica-Bold').fontSize(15).text(t('training:pdf.hours', { hours: formatters.number(cert.hours) }), { align: 'center', width });
  doc.moveDown(0.2).font('Helvetica').fontSize(11).text(t('training:pdf.sessions', { attended: cert.sessionsAttended, total: cert.sessionsTotal }), { align: 'center', width });
  if (cert.competences.length) {
    doc.moveDown(1.5).font('Helvetica-Bold').fontSize(11).text(t('training:pdf.competences'), left, doc.y, { width });
    doc.font('Helvetica').fontSize(10);
    for (const c of cert.competences) doc.text(`• ${competenceLabel(c)}`, { width });
  }
  const size = 110;
  const top = doc.page.height - doc.page.margins.bottom - size - 10;
  doc.image(qr, doc.page.width - doc.page.margins.right - size, top, { width: size, height: size });
  doc.font('Helvetica').fontSize(10).text(t('training:pdf.code', { code: cert.code }), left, top + 30, { width: width - size - 20 });
  doc.text(t('training:pdf.verify', { url: verifyUrlOf(platform, cert.code) }), { width: width - size - 20 });
  doc.text(t('training:pdf.issued', { day: formatters.date(cert.issuedAt) }), { width: width - size - 20 });
}

/** The whole PDF in memory (the benchmark; pages stream it through sendPdf). */
export async function renderCertificate(platform: Platform, cert: Certificate): Promise<Buffer> {
  const qr = await certificateQr(platform, cert);
  const doc = new PDFDocument({ size: 'A4', margin: 50, info: { Title: certificateTitle(cert), Author: platform.config.centre.name }, lang: 'it-IT' });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<void>((resolve, reject) => {
    doc.on('end', () => resolve());
    doc.on('error', reject);
  });
  writeCertificate(doc, platform, cert, qr);
  doc.end();
  await done;
  return Buffer.concat(chunks);
}
