// Requests by e-mail. The desk's mailbox is fetched on a schedule; each message becomes a request of
// its sender's body, a public reply on the request whose number its subject carries ("[#123]"), or a
// quarantine item that staff assign or discard. A message is processed exactly once: its key (the
// Message-ID, or the hash of its bytes) is written to desk_inbound_mail in the transaction that
// creates the request, reply or item, so a second run (at the same time, or after a crash before
// the message left the inbox) finds it there, saves nothing and only moves the message on.
//
// The sender is whoever the From header names: mail carries no proof of it. What a forged From can
// reach is what that person may do on the portal (reply only on their body's requests), and it
// never widens: the desk policy decides every reply.
import { QueryTypes, type Transaction } from 'sequelize';
import { simpleParser, type ParsedMail } from 'mailparser';
import sanitizeHtml from 'sanitize-html';
import type { DeskImapConfig } from '../../config.js';
import { isBodyUser, type Actor } from '../../platform/actor.js';
import { DataCache } from '../../platform/cache.js';
import type { Platform } from '../../platform/context.js';
import { AppError, ConflictError, NotFoundError } from '../../platform/errors.js';
import { detectFileType } from '../../platform/files.js';
import { messageTranslator } from '../../platform/i18n.js';
import { compactError } from '../../platform/logger.js';
import { contentKey, withMailbox, type MailboxEntry } from '../../platform/mailbox.js';
import { msg } from '../../platform/messages.js';
import { findPersonByEmail, type Person } from '../accounts/index.js';
import { DeskMessage, DeskRequest } from './models.js';
import { assertStaff, canSeeRequest } from './policy.js';
import { SUBJECT_MAX, TEXT_MAX } from './schemas.js';
import { createRequest, MAX_FILES, postMessage, recordRequest, type UploadedFile, type Within } from './service.js';

export const QUARANTINE_REASONS = ['unknown_sender', 'auto_reply', 'too_large', 'unknown_request', 'not_allowed', 'no_text', 'malformed', 'not_body', 'refused'] as const;
export type QuarantineReason = (typeof QUARANTINE_REASONS)[number];
export type InboundOutcome = 'request' | 'reply' | 'quarantine';

export type InboundResult = { key: string; outcome: InboundOutcome; requestId: number | null; reason: QuarantineReason | null; duplicate: boolean };

/** Messages handled per run: the rest wait for the next one. */
const BATCH = 50;

/** "[#123]" anywhere in the subject (the desk's own subjects carry it). */
const NUMBER_IN_SUBJECT = /\[#(\d{1,12})\]/;

class AlreadyProcessed extends Error {}

// ---- reading a message ----

type Mail = {
  from: { address: string; name: string } | null;
  subject: string;
  sentAt: Date | null;
  text: string;
  attachments: UploadedFile[];
  autoReply: boolean;
  malformed: boolean;
};

function headerText(headers: Buffer, name: string): string | null {
  // Unfolded, case-insensitive, the first occurrence.
  const block = headers.toString('latin1').replace(/\r?\n[ \t]+/g, ' ');
  const m = new RegExp(`^${name}:[ \\t]*(.*)$`, 'im').exec(block);
  return m ? m[1].trim() : null;
}

/** RFC 3834 Auto-Submitted (anything but "no"), and the Precedence of lists and bulk senders. */
export function isAutoReply(headers: Buffer): boolean {
  const auto = headerText(headers, 'Auto-Submitted');
  if (auto && auto.split(';')[0].trim().toLowerCase() !== 'no') return true;
  const precedence = headerText(headers, 'Precedence')?.toLowerCase();
  return precedence === 'bulk' || precedence === 'junk' || precedence === 'list';
}

/** The text of an HTML part: block ends become line breaks, every tag and script goes, entities are read. */
export function htmlToText(html: string): string {
  const marked = html.replace(/<br\s*\/?>/gi, '\n').replace(/<\/(p|div|li|tr|h[1-6]|blockquote|pre|table)\s*>/gi, '\n');
  const text = sanitizeHtml(marked, { allowedTags: [], allowedAttributes: {}, nonTextTags: ['style', 'script', 'textarea', 'option', 'noscript', 'head', 'title'] });
  return text
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** A reply without the quoted message below it ("> …" lines and the "… ha scritto:" line before them). */
export function withoutQuote(text: string): string {
  const lines = text.split(/\r?\n/);
  let end = lines.length;
  while (end > 0 && (lines[end - 1].startsWith('>') || !lines[end - 1].trim())) end--;
  if (end < lines.length && end > 0 && /(wrote|scritto|schrieb|écrit)\s*:\s*$/i.test(lines[end - 1])) end--;
  const kept = lines.slice(0, end).join('\n').trim();
  return kept || text.trim();
}

function structurallyBroken(raw: Buffer, parsed: ParsedMail): boolean {
  const type = parsed.headers.get('content-type') as { value?: string; params?: Record<string, string> } | undefined;
  if (!type?.value?.toLowerCase().startsWith('multipart/')) return false;
  const boundary = type.params?.boundary;
  if (!boundary) return true;
  return !raw.includes(`\n--${boundary}`);
}

export async function readMail(raw: Buffer, headers: Buffer): Promise<Mail> {
  let parsed: ParsedMail;
  try {
    parsed = await simpleParser(raw, { skipHtmlToText: true, skipTextToHtml: true, skipImageLinks: true });
  } catch {
    return { from: null, subject: '', sentAt: null, text: '', attachments: [], autoReply: false, malformed: true };
  }
  const first = parsed.from?.value.find((a) => a.address && /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(a.address));
  const from = first ? { address: first.address!.toLowerCase(), name: (first.name ?? '').slice(0, 200) } : null;
  const plain = (parsed.text ?? '').trim();
  const text = plain || (typeof parsed.html === 'string' ? htmlToText(parsed.html) : '');
  return {
    from,
    subject: (parsed.subject ?? '').trim().slice(0, 500),
    sentAt: parsed.date && !Number.isNaN(parsed.date.getTime()) ? parsed.date : null,
    text,
    attachments: parsed.attachments.map((a, i) => ({ originalName: a.filename || `allegato-${i + 1}`, buffer: a.content })),
    autoReply: isAutoReply(headers.length ? headers : raw.subarray(0, 64 * 1024)),
    malformed: !from || structurallyBroken(raw, parsed),
  };
}

/** The envelope of a message too large to download, from its headers alone. */
async function readHeaders(headers: Buffer): Promise<Pick<Mail, 'from' | 'subject' | 'sentAt'>> {
  const m = await readMail(Buffer.concat([headers, Buffer.from('\r\n\r\n')]), headers).catch(() => null);
  return { from: m?.from ?? null, subject: m?.subject ?? '', sentAt: m?.sentAt ?? null };
}

/** Attachments the uploads rules accept (count, size, type from content); the others by name and reason. */
export async function screenAttachments(platform: Platform, files: UploadedFile[]): Promise<{ accepted: UploadedFile[]; refused: string[] }> {
  const tm = messageTranslator('it');
  const accepted: UploadedFile[] = [];
  const refused: string[] = [];
  for (const f of files) {
    const buffer = 'buffer' in f ? f.buffer : Buffer.alloc(0);
    let why: string | null = null;
    if (accepted.length >= MAX_FILES) why = tm(msg('desk:inbound.refused.tooMany', { max: MAX_FILES }));
    else if (buffer.length === 0) why = tm(msg('desk:inbound.refused.empty'));
    else if (buffer.length > platform.config.uploadMaxBytes) why = tm(msg('desk:inbound.refused.tooLarge', { mb: Math.round(platform.config.uploadMaxBytes / 1048576) }));
    else if (!(await detectFileType(buffer, f.originalName))) why = tm(msg('desk:inbound.refused.type'));
    if (why) refused.push(`${f.originalName}: ${why}`);
    else accepted.push(f);
  }
  return { accepted, refused };
}

/** An internal note listing the attachments the desk did not keep (the message itself is kept). */
async function noteRefused(transaction: Transaction, requestId: number, refused: string[]): Promise<void> {
  if (!refused.length) return;
  const tm = messageTranslator('it');
  await DeskMessage.create(
    { requestId, authorId: null, authorName: tm(msg('desk:inbound.author')), side: 'staff', internal: true, body: tm(msg('desk:inbound.refusedNote', { list: refused.join('\n') })) },
    { transaction },
  );
}

// ---- recording ----

async function claim(platform: Platform, transaction: Transaction, key: string, row: { outcome: InboundOutcome; requestId?: number | null; messageId?: number | null; quarantineId?: number | null; sender: string }): Promise<void> {
  const [rows] = await platform.sequelize.query(
    `INSERT INTO desk_inbound_mail (message_key, outcome, request_id, desk_message_id, quarantine_id, sender)
     VALUES (:key, :outcome, :requestId, :messageId, :quarantineId, :sender) ON CONFLICT (message_key) DO NOTHING RETURNING message_key`,
    { replacements: { key, outcome: row.outcome, requestId: row.requestId ?? null, messageId: row.messageId ?? null, quarantineId: row.quarantineId ?? null, sender: row.sender.slice(0, 320) }, transaction },
  );
  if (!(rows as unknown[]).length) throw new AlreadyProcessed(key);
}

async function processedAs(platform: Platform, key: string): Promise<{ outcome: InboundOutcome; requestId: number | null } | null> {
  const [row] = await platform.sequelize.query<{ outcome: InboundOutcome; requestId: number | null }>(
    `SELECT outcome, request_id AS "requestId" FROM desk_inbound_mail WHERE message_key = :key`,
    { replacements: { key }, type: QueryTypes.SELECT },
  );
  return row ?? null;
}

type QuarantineInput = { reason: QuarantineReason; sender: string; senderName: string; subject: string; sentAt: Date | null; size: number; text: string; raw: Buffer | null };

async function quarantine(platform: Platform, key: string, item: QuarantineInput): Promise<void> {
  await platform.sequelize.transaction(async (transaction) => {
    const [rows] = await platform.sequelize.query(
      `INSERT INTO desk_mail_quarantine (reason, sender, sender_name, subject, sent_at, size, text, raw)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
      {
        bind: [item.reason, item.sender.slice(0, 320), item.senderName.slice(0, 200), item.subject.slice(0, 500), item.sentAt, item.size, item.text.slice(0, TEXT_MAX), item.raw],
        transaction,
      },
    );
    const id = (rows as Array<{ id: number }>)[0].id;
    await claim(platform, transaction, key, { outcome: 'quarantine', quarantineId: id, sender: item.sender });
    await platform.audit.record(null, { action: 'desk.mail-quarantined', subjectType: 'desk_mail_quarantine', subjectId: id, details: { reason: item.reason, sender: item.sender } }, transaction);
  });
}

const actorFor = (p: Person): Actor => ({ userId: p.id, email: p.email, name: p.name, role: p.role, entityId: p.entityId, ip: null });

const requestSubject = (subject: string): string => {
  const s = subject.replace(/\s+/g, ' ').trim().slice(0, SUBJECT_MAX);
  return s || messageTranslator('it')(msg('desk:inbound.noSubject'));
};

/**
 * What one message becomes; refusals by the desk's rules become quarantine items, never exceptions.
 * Safe to run twice at once on the same message: one run saves it, the other reports a duplicate.
 */
export async function processMessage(platform: Platform, entry: MailboxEntry, download: () => Promise<Buffer>): Promise<InboundResult> {
  const config = platform.config.deskImap!;
  let key = entry.messageId;
  const done = async (k: string): Promise<InboundResult | null> => {
    const seen = await processedAs(platform, k);
    return seen ? { key: k, outcome: seen.outcome, requestId: seen.requestId, reason: null, duplicate: true } : null;
  };
  if (key) {
    const seen = await done(key);
    if (seen) return seen;
  }
  const result = (outcome: InboundOutcome, requestId: number | null, reason: QuarantineReason | null): InboundResult => ({ key: key!, outcome, requestId, reason, duplicate: false });
  const toQuarantine = async (mail: Pick<Mail, 'from' | 'subject' | 'sentAt'> & { text?: string }, reason: QuarantineReason, raw: Buffer | null): Promise<InboundResult> => {
    await quarantine(platform, key!, { reason, sender: mail.from?.address ?? '', senderName: mail.from?.name ?? '', subject: mail.subject, sentAt: mail.sentAt, size: entry.size, text: mail.text ?? '', raw });
    return result('quarantine', null, reason);
  };

  if (entry.size > config.maxBytes) {
    key ??= contentKey(Buffer.concat([entry.headers, Buffer.from(`\n${entry.size}`)]));
    return (await done(key)) ?? toQuarantine(await readHeaders(entry.headers), 'too_large', null);
  }
  const raw = await download();
  if (!key) {
    key = contentKey(raw);
    const seen = await done(key);
    if (seen) return seen;
  }
  const mail = await readMail(raw, entry.headers);
  if (mail.malformed) return toQuarantine(mail, 'malformed', raw);
  if (mail.autoReply) return toQuarantine(mail, 'auto_reply', raw);
  const person = await findPersonByEmail(mail.from!.address);
  if (!person || person.status !== 'active') return toQuarantine(mail, 'unknown_sender', raw);
  const actor = actorFor(person);
  const number = NUMBER_IN_SUBJECT.exec(mail.subject);
  const wanted = number ? Number(number[1]) : null;
  const target = wanted !== null && wanted <= 2_147_483_647 ? await DeskRequest.findByPk(wanted, { attributes: ['id', 'entityId'] }) : null;
  if (number && !target) return toQuarantine(mail, 'unknown_request', raw);
  if (target && !canSeeRequest(actor, target)) return toQuarantine(mail, 'not_allowed', raw);
  if (!target && !isBodyUser(actor)) return toQuarantine(mail, 'not_body', raw);
  const text = target ? withoutQuote(mail.text) : mail.text;
  if (!text) return toQuarantine(mail, 'no_text', raw);

  const { accepted, refused } = await screenAttachments(platform, mail.attachments);
  const sender = mail.from!.address;
  try {
    if (target) {
      const within: Within = async (transaction, created) => {
        await claim(platform, transaction, key!, { outcome: 'reply', requestId: created.requestId, messageId: created.messageId, sender });
        await noteRefused(transaction, created.requestId, refused);
      };
      await postMessage(platform, actor, target.id, { body: text.slice(0, TEXT_MAX) }, accepted, new Date(), within);
      return result('reply', target.id, null);
    }
    const within: Within = async (transaction, created) => {
      await claim(platform, transaction, key!, { outcome: 'request', requestId: created.requestId, sender });
      await noteRefused(transaction, created.requestId, refused);
    };
    const request = await createRequest(
      platform,
      actor,
      { category: 'other', priority: 'normal', subject: requestSubject(mail.subject), description: text.slice(0, TEXT_MAX) },
      accepted,
      new Date(),
      { channel: 'email', within },
    );
    return result('request', request.id, null);
  } catch (err) {
    if (err instanceof AlreadyProcessed) return (await done(key!))!;
    // The desk refused it (a reply on a closed request, a field it does not accept): staff decide.
    if (err instanceof AppError) return toQuarantine(mail, 'refused', raw);
    throw err;
  }
}

/**
 * Fetches the desk's mailbox once (the scheduled job): every message is processed and then moved to
 * the processed or the quarantine folder. Off (nothing fetched) when DESK_IMAP_URL is unset.
 */
export async function fetchDeskMail(platform: Platform): Promise<InboundResult[]> {
  const config = platform.config.deskImap;
  if (!config) return [];
  // One run at a time across the processes: a second one would only find the same messages (which
  // the processing record keeps from being saved twice) and move them twice. The lock is the
  // transaction's, so a run that dies releases it with its connection.
  return platform.sequelize.transaction(async (transaction) => {
    const [{ locked }] = await platform.sequelize.query<{ locked: boolean }>(`SELECT pg_try_advisory_xact_lock(hashtext('desk.mail-fetch')) AS locked`, { type: QueryTypes.SELECT, transaction });
    if (!locked) return [];
    return fetchUnlocked(platform, config);
  });
}

async function fetchUnlocked(platform: Platform, config: DeskImapConfig): Promise<InboundResult[]> {
  return withMailbox(config, platform.log, [config.processedFolder, config.quarantineFolder], async (session) => {
    const results: InboundResult[] = [];
    for (const entry of await session.list(BATCH)) {
      let r: InboundResult;
      try {
        r = await processMessage(platform, entry, () => session.download(entry.uid));
      } catch (err) {
        // Not a bad message but a failure of ours (the database away): it stays in the inbox for the next run.
        platform.log.error({ err: compactError(err), uid: entry.uid }, 'desk mail: message not processed, left in the inbox');
        continue;
      }
      results.push(r);
      await session.move(entry.uid, r.outcome === 'quarantine' ? config.quarantineFolder : config.processedFolder);
    }
    if (results.some((r) => !r.duplicate)) platform.log.info({ processed: results.length }, 'desk mail fetched');
    return results;
  });
}

// ---- the quarantine, for staff ----

export type QuarantineRow = { id: number; reason: QuarantineReason; sender: string; senderName: string; subject: string; sentAt: Date | null; size: number; createdAt: Date };
export type QuarantineItem = QuarantineRow & { text: string; status: 'pending' | 'assigned' | 'discarded'; attachmentNames: string[]; requesterId: number | null; requesterEntityId: number | null };

export async function listQuarantine(platform: Platform, viewer: Actor, page: { limit: number; offset: number }): Promise<{ rows: QuarantineRow[]; total: number }> {
  assertStaff(viewer, 'desk.mail-quarantine');
  const [rows, total] = await Promise.all([
    platform.sequelize.query<QuarantineRow>(
      `SELECT id, reason, sender, sender_name AS "senderName", subject, sent_at AS "sentAt", size, created_at AS "createdAt"
         FROM desk_mail_quarantine WHERE status = 'pending' ORDER BY created_at DESC, id DESC LIMIT :limit OFFSET :offset`,
      { replacements: page, type: QueryTypes.SELECT },
    ),
    pendingQuarantineCount(platform),
  ]);
  return { rows, total };
}

async function pendingItem(platform: Platform, id: number, transaction?: Transaction): Promise<(QuarantineRow & { text: string; raw: Buffer | null; status: string }) | null> {
  const [row] = await platform.sequelize.query<QuarantineRow & { text: string; raw: Buffer | null; status: string }>(
    `SELECT id, reason, sender, sender_name AS "senderName", subject, sent_at AS "sentAt", size, created_at AS "createdAt", text, raw, status
       FROM desk_mail_quarantine WHERE id = :id ${transaction ? 'FOR UPDATE' : ''}`,
    { replacements: { id }, type: QueryTypes.SELECT, transaction },
  );
  return row ?? null;
}

async function attachmentsOf(row: { raw: Buffer | null }): Promise<UploadedFile[]> {
  if (!row.raw) return [];
  return (await readMail(row.raw, Buffer.alloc(0))).attachments;
}

/** One pending item with what the assign form needs (its attachments by name, the sender if a user). */
export async function getQuarantineItem(platform: Platform, viewer: Actor, id: number): Promise<QuarantineItem> {
  assertStaff(viewer, 'desk.mail-quarantine');
  const row = await pendingItem(platform, id);
  if (!row || row.status !== 'pending') throw new NotFoundError(msg('desk:inbound.error.notFound'));
  const person = row.sender ? await findPersonByEmail(row.sender) : null;
  const known = person && person.status === 'active' && isBodyUser(actorFor(person)) ? person : null;
  const { raw, ...rest } = row;
  void raw;
  return {
    ...rest,
    status: 'pending',
    attachmentNames: (await attachmentsOf(row)).map((f) => f.originalName),
    requesterId: known?.id ?? null,
    requesterEntityId: known?.entityId ?? null,
  };
}

async function markHandled(platform: Platform, transaction: Transaction, actor: Actor, id: number, status: 'assigned' | 'discarded', requestId: number | null): Promise<void> {
  const [rows] = await platform.sequelize.query(
    // A discarded message keeps nothing of its content; an assigned one lives on in its request.
    `UPDATE desk_mail_quarantine SET status = :status, request_id = :requestId, handled_by = :by, handled_at = now(), raw = NULL,
            text = CASE WHEN :status = 'discarded' THEN '' ELSE text END
      WHERE id = :id AND status = 'pending' RETURNING id`,
    { replacements: { id, status, requestId, by: actor.userId }, transaction },
  );
  if (!(rows as unknown[]).length) throw new ConflictError(msg('desk:inbound.error.handled'));
  if (requestId) await platform.sequelize.query(`UPDATE desk_inbound_mail SET request_id = :requestId WHERE quarantine_id = :id`, { replacements: { id, requestId }, transaction });
  await platform.audit.record(actor, { action: status === 'assigned' ? 'desk.mail-assigned' : 'desk.mail-discarded', subjectType: 'desk_mail_quarantine', subjectId: id, details: { requestId } }, transaction);
}

/**
 * Staff assign a quarantined message to a body and one of its users (or a named person): a request
 * recorded with the channel e-mail, the message's attachments that pass the uploads rules, and the
 * item marked assigned, in one transaction.
 */
export async function assignQuarantined(platform: Platform, actor: Actor, id: number, input: Record<string, unknown>): Promise<DeskRequest> {
  assertStaff(actor, 'desk.mail-assign');
  const row = await pendingItem(platform, id);
  if (!row || row.status !== 'pending') throw new NotFoundError(msg('desk:inbound.error.notFound'));
  const { accepted, refused } = await screenAttachments(platform, await attachmentsOf(row));
  return recordRequest(platform, actor, { ...input, channel: 'email' }, accepted, new Date(), async (transaction, created) => {
    await markHandled(platform, transaction, actor, id, 'assigned', created.requestId);
    await noteRefused(transaction, created.requestId, refused);
  });
}

export async function discardQuarantined(platform: Platform, actor: Actor, id: number): Promise<void> {
  assertStaff(actor, 'desk.mail-discard');
  await platform.sequelize.transaction(async (transaction) => {
    const row = await pendingItem(platform, id, transaction);
    if (!row) throw new NotFoundError(msg('desk:inbound.error.notFound'));
    await markHandled(platform, transaction, actor, id, 'discarded', null);
  });
}

// Shown on every page of the staff queue: kept under the quarantine's version, so it costs the
// page's shared version read instead of a count of its own.
const pendingCount = new DataCache<{ n: number }>({ name: 'desk-quarantine-pending', tables: ['desk_mail_quarantine'], max: 1, ttlMs: 10 * 60_000 });

/** Pending items, for the queue's link (staff). */
export async function pendingQuarantineCount(platform: Platform): Promise<number> {
  const { n } = await pendingCount.fetch(platform.sequelize, 'pending', async () => {
    const [row] = await platform.sequelize.query<{ n: string }>(`SELECT count(*) AS n FROM desk_mail_quarantine WHERE status = 'pending'`, { type: QueryTypes.SELECT });
    return { n: Number(row.n) };
  });
  return n;
}
