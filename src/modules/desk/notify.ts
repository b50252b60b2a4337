// Desk emails, in the recipient's language (users.locale, Italian by default), through the mail job
// queue and inside the transaction of the change. Subjects are Messages; the templates word the rest.
// The body's requester never receives internal notes; staff recipients are checked to be staff.
// Every desk notification is optional (users.notify_optional), except SLA warnings to staff, which
// are part of their duty.
import type { Transaction } from 'sequelize';
import type { Platform } from '../../platform/context.js';
import { formattersFor } from '../../platform/format.js';
import { pickLanguage } from '../../platform/i18n.js';
import { msg, type Message } from '../../platform/messages.js';
import { findPeople, activeStaff, type Person } from '../accounts/index.js';
import { bodyName } from '../entities/index.js';
import type { DeskSettings } from './config.js';
import type { DeskRequest } from './models.js';
import { isAssignableRole } from './policy.js';
import type { RequestState } from './states.js';

export type ReplyInfo = { authorName: string; text: string; attachmentNames: string[]; internal: boolean; side: 'body' | 'staff' };

export const requestLink = (platform: Platform, id: number) => `${platform.config.baseUrl}/richieste/${id}`;

function shortSubject(subject: string): string {
  return subject.length > 60 ? `${subject.slice(0, 57)}…` : subject;
}

/** "[#12] Richiesta n. 12 «…»: <tail>", with `tail` a Message of desk:mail.tail.*; the "[#12]" threads an e-mailed reply (inbound.ts). */
export const mailSubject = (request: { id: number; subject: string }, tail: Message): Message => msg('desk:mail.subject', { id: request.id, subject: shortSubject(request.subject), tail });

/** Replies to the desk's mail go to its mailbox (fetched over IMAP) when there is one. */
const replyTo = (platform: Platform): { replyTo?: string } => (platform.config.deskImap ? { replyTo: platform.config.deskImap.address } : {});

/** The language a user reads mail in: their stored preference, Italian when there is none. */
export const mailLanguage = (user: { locale?: string | null }) => pickLanguage(user.locale);

// A change that mails both its requester and its assignee (a staff reply) reads the request's
// people and its body's name once: the lookups are kept for the change's transaction.
// Read when first asked for; `peopleOf` is the requester and assignee they were read for.
type Lookups = { people?: Promise<Person[]>; peopleOf?: string; bodyName?: Promise<string> };
const lookups = new WeakMap<Transaction, Map<number, Lookups>>();

function lookupsOf(request: DeskRequest, transaction: Transaction | undefined): Lookups {
  if (!transaction) return {};
  let perRequest = lookups.get(transaction);
  if (!perRequest) lookups.set(transaction, (perRequest = new Map()));
  let kept = perRequest.get(request.id);
  if (!kept) perRequest.set(request.id, (kept = {}));
  return kept;
}

/** The request's requester or assignee (`id` is one of them), if active. */
async function activeUser(request: DeskRequest, id: number | null, transaction?: Transaction): Promise<Person | null> {
  if (id === null) return null;
  const kept = lookupsOf(request, transaction);
  const of = `${request.requesterId ?? ''}:${request.assigneeId ?? ''}`;
  // The assignee may change within the change (a reply assigns a new request): read them again then.
  if (!kept.people || kept.peopleOf !== of) {
    const ids = [request.requesterId, request.assigneeId].filter((v): v is number => v !== null);
    kept.people = findPeople(ids, { activeOnly: true, transaction });
    kept.peopleOf = of;
  }
  return (await kept.people).find((p) => p.id === id) ?? null;
}

function entityName(request: DeskRequest, transaction?: Transaction): Promise<string> {
  const kept = lookupsOf(request, transaction);
  kept.bodyName ??= bodyName(request.entityId, { transaction }).then((name) => name ?? '');
  return kept.bodyName;
}

/**
 * To the body's requester: a public reply from the centre and/or the new state. Not sent for the
 * requester's own actions, nor when they turned optional notifications off.
 */
export async function notifyRequester(
  platform: Platform,
  transaction: Transaction,
  request: DeskRequest,
  change: { reply: ReplyInfo | null; fromState: RequestState | null },
  actorUserId: number | null,
): Promise<void> {
  const reply = change.reply && !change.reply.internal && change.reply.side === 'staff' ? change.reply : null;
  const stateChanged = change.fromState !== null && change.fromState !== request.state;
  if (!reply && !stateChanged) return;
  if (request.requesterId === actorUserId) return;
  const user = await activeUser(request, request.requesterId, transaction);
  if (!user || !user.notifyOptional || isAssignableRole(user.role)) return;
  const state = `desk:state.${request.state}`;
  const tail = reply && stateChanged ? msg('desk:mail.tail.replyAndState', { state }) : reply ? msg('desk:mail.tail.reply') : msg('desk:mail.tail.state', { state });
  await platform.mail.send(
    {
      to: user.email,
      lang: mailLanguage(user),
      subject: mailSubject(request, tail),
      template: 'desk-update',
      ...replyTo(platform),
      data: {
        recipientName: user.name,
        request: { id: request.id, subject: request.subject },
        entityName: await entityName(request, transaction),
        reply: reply ? { authorName: reply.authorName, text: reply.text, attachmentNames: reply.attachmentNames } : null,
        state: stateChanged ? request.state : null,
        waiting: request.state === 'waiting',
        resolved: request.state === 'resolved',
        closed: request.state === 'closed',
        link: requestLink(platform, request.id),
      },
    },
    transaction,
  );
}

/** To the assignee (staff): a new reply or note by someone else, or the assignment itself. */
export async function notifyAssignee(
  platform: Platform,
  transaction: Transaction,
  request: DeskRequest,
  event: { kind: 'assigned'; byName: string } | { kind: 'message'; reply: ReplyInfo },
  actorUserId: number | null,
): Promise<void> {
  if (!request.assigneeId || request.assigneeId === actorUserId) return;
  const user = await activeUser(request, request.assigneeId, transaction);
  if (!user || !user.notifyOptional || !isAssignableRole(user.role)) return;
  const name = await entityName(request, transaction);
  const tail =
    event.kind === 'assigned'
      ? msg('desk:mail.tail.assignedToYou')
      : event.reply.internal
        ? msg('desk:mail.tail.noteBy', { name: event.reply.authorName })
        : event.reply.side === 'body'
          ? msg('desk:mail.tail.replyFromBody', { name })
          : msg('desk:mail.tail.replyBy', { name: event.reply.authorName });
  await platform.mail.send(
    {
      to: user.email,
      lang: mailLanguage(user),
      subject: mailSubject(request, tail),
      template: 'desk-staff',
      ...replyTo(platform),
      data: {
        recipientName: user.name,
        request: { id: request.id, subject: request.subject, category: request.category, priority: request.priority, state: request.state },
        entityName: name,
        assignedBy: event.kind === 'assigned' ? event.byName : null,
        message: event.kind === 'message' ? event.reply : null,
        link: requestLink(platform, request.id),
      },
    },
    transaction,
  );
}

/**
 * The desk's supervisors: the chosen staff, or every active administrator. The settings are read by
 * the caller before its transaction: a read of them in here would wait for a second pooled
 * connection while the transaction holds one, and under load every connection is such a holder.
 */
export async function supervisors(settings: DeskSettings, transaction?: Transaction): Promise<Person[]> {
  const users = settings.supervisorIds.length
    ? await findPeople(settings.supervisorIds, { activeOnly: true, transaction })
    : (await activeStaff({ roles: ['admin'], transaction })).sort((a, b) => a.id - b.id);
  return users.filter((u) => isAssignableRole(u.role));
}

/** Who hears of a new request and how its body is named, read before its transaction (from the caches). */
export type NewRequestAudience = { supervisors: Person[]; bodyName: string };

export async function newRequestAudience(settings: DeskSettings, entityId: number): Promise<NewRequestAudience> {
  const [people, name] = await Promise.all([supervisors(settings), bodyName(entityId)]);
  return { supervisors: people, bodyName: name ?? '' };
}

/** A new request: its triage is the supervisors' job. */
export async function notifyNewRequest(platform: Platform, transaction: Transaction, audience: NewRequestAudience, request: DeskRequest, requesterName: string): Promise<void> {
  const name = audience.bodyName;
  for (const user of audience.supervisors) {
    if (!user.notifyOptional) continue;
    await platform.mail.send(
      {
        to: user.email,
        lang: mailLanguage(user),
        subject: mailSubject(request, msg('desk:mail.tail.newFrom', { name })),
        template: 'desk-new',
        ...replyTo(platform),
        data: {
          recipientName: user.name,
          request: { id: request.id, subject: request.subject, category: request.category, priority: request.priority },
          entityName: name,
          requesterName,
          link: requestLink(platform, request.id),
        },
      },
      transaction,
    );
  }
}

export type SlaWarning = { clock: 'first_response' | 'resolution'; dueAt: Date; remainingMinutes: number };

/** SLA about to be missed: to the assignee and the supervisors (always sent: it is their duty). */
export async function notifySlaWarning(platform: Platform, transaction: Transaction, settings: DeskSettings, request: DeskRequest, warnings: SlaWarning[]): Promise<string[]> {
  const recipients = new Map<number, Person>();
  const assignee = await activeUser(request, request.assigneeId, transaction);
  if (assignee && isAssignableRole(assignee.role)) recipients.set(assignee.id, assignee);
  for (const s of await supervisors(settings, transaction)) recipients.set(s.id, s);
  const name = await entityName(request, transaction);
  for (const user of recipients.values()) {
    const lang = mailLanguage(user);
    // Dates the way the recipient's language writes them.
    const clocks = warnings.map((w) => ({
      clock: w.clock === 'first_response' ? 'firstResponse' : 'resolution',
      dueAt: formattersFor(lang).dateTime(w.dueAt),
      remaining: splitMinutes(w.remainingMinutes),
    }));
    await platform.mail.send(
      {
        to: user.email,
        lang,
        subject: mailSubject(request, msg('desk:mail.tail.slaNear')),
        template: 'desk-sla',
        ...replyTo(platform),
        data: {
          recipientName: user.name,
          isAssignee: user.id === request.assigneeId,
          unassigned: !request.assigneeId,
          request: { id: request.id, subject: request.subject, category: request.category, priority: request.priority, state: request.state },
          entityName: name,
          clocks,
          link: requestLink(platform, request.id),
        },
      },
      transaction,
    );
  }
  return [...recipients.values()].map((u) => u.email);
}

/** Whole hours and minutes of business time ({ hours: 2, minutes: 30 }), worded by the template (desk:duration.*). */
export function splitMinutes(minutes: number): { hours: number; minutes: number } {
  const m = Math.max(0, Math.round(minutes));
  return { hours: Math.floor(m / 60), minutes: m % 60 };
}
