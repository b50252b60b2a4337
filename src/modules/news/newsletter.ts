// The newsletter: subscription with recorded consent and double opt-in, one-click unsubscribe and a
// preferences page from every message, the subscription of signed-in users, and the issues staff
// compose from posts and free text and send through the job queue.
//
// Sending: «invia» marks the issue `sending` and enqueues a dispatch job. The dispatch takes the
// confirmed subscribers in batches; for each batch, in one transaction, it issues the recipients'
// links (the one token scheme), renders their messages, enqueues them on the mail queue (rate limit
// and retries of the mailer) and writes one newsletter_deliveries row per recipient with the mail job's
// id. A dispatch killed half-way rolls its batch back and the retry goes on from the rows written, so
// no one is queued twice or skipped; a mail job run again after the SMTP server accepted it sends
// nothing (mail_deliveries), so a worker killed mid-send or an SMTP outage delays and loses nothing.
import { QueryTypes, type Transaction } from 'sequelize';
import type { Actor, Viewer } from '../../platform/actor.js';
import type { Platform } from '../../platform/context.js';
import { ConflictError, NotFoundError, ValidationError } from '../../platform/errors.js';
import type { MailMessage } from '../../platform/mail.js';
import { msg } from '../../platform/messages.js';
import { parseInput } from '../../platform/validation.js';
import { renderMarkdown } from './markdown.js';
import { assertCanManageNews } from './policy.js';
import { CONSENT_VERSION, issueSchema, preferencesSchema, subscribeSchema, type NewsletterTopic } from './schemas.js';

export const DISPATCH_QUEUE = 'news.newsletter-dispatch';
export const DISPATCH_BATCH = 500;

const CONFIRM = 'newsletter_confirm';
const UNSUBSCRIBE = 'newsletter_unsubscribe';
const PREFERENCES = 'newsletter_preferences';
const CONFIRM_TTL_MS = 48 * 3_600_000;
const LINK_TTL_MS = 90 * 86_400_000;

const confirmMessages = { invalid: 'news:newsletter.link.invalid', expired: 'news:newsletter.link.confirmExpired', used: 'news:newsletter.link.confirmUsed', revoked: 'news:newsletter.link.confirmRevoked' };
const unsubscribeMessages = { invalid: 'news:newsletter.link.invalid', expired: 'news:newsletter.link.unsubscribeExpired', used: 'news:newsletter.link.unsubscribeUsed', revoked: 'news:newsletter.link.unsubscribeExpired' };
const preferencesMessages = { invalid: 'news:newsletter.link.invalid', expired: 'news:newsletter.link.preferencesExpired', used: 'news:newsletter.link.preferencesExpired', revoked: 'news:newsletter.link.preferencesExpired' };

export type SubscriberStatus = 'pending' | 'confirmed' | 'unsubscribed';
export type Subscriber = {
  id: number;
  email: string;
  userId: number | null;
  topics: NewsletterTopic[];
  status: SubscriberStatus;
  consentAt: Date;
  consentVersion: string;
  confirmedAt: Date | null;
  unsubscribedAt: Date | null;
  createdAt: Date;
};

type SubscriberRow = { id: number; email: string; user_id: number | null; topics: NewsletterTopic[]; status: SubscriberStatus; consent_at: Date; consent_version: string; confirmed_at: Date | null; unsubscribed_at: Date | null; created_at: Date };
const subscriberOf = (r: SubscriberRow): Subscriber => ({
  id: r.id,
  email: r.email,
  userId: r.user_id,
  topics: r.topics,
  status: r.status,
  consentAt: r.consent_at,
  consentVersion: r.consent_version,
  confirmedAt: r.confirmed_at,
  unsubscribedAt: r.unsubscribed_at,
  createdAt: r.created_at,
});

async function subscriberBy(platform: Platform, where: string, replacements: Record<string, unknown>, transaction?: Transaction): Promise<Subscriber | null> {
  const [row] = await platform.sequelize.query<SubscriberRow>(`SELECT * FROM newsletter_subscribers WHERE ${where}`, { replacements, type: QueryTypes.SELECT, transaction });
  return row ? subscriberOf(row) : null;
}

const link = (platform: Platform, path: string) => `${platform.config.baseUrl}${path}`;

// ---- subscribing ----

/**
 * A subscription from the public form: the consent is recorded with its moment and text version and
 * a confirmation link is mailed; nothing else is sent until it is confirmed. An address already
 * confirmed is left as it is (the page says the same thing either way, so it tells nobody who subscribes).
 */
export async function subscribe(platform: Platform, input: unknown): Promise<{ email: string }> {
  const data = parseInput(subscribeSchema, input);
  await platform.sequelize.transaction(async (transaction) => {
    const existing = await subscriberBy(platform, 'email = :email FOR UPDATE', { email: data.email }, transaction);
    if (existing?.status === 'confirmed') return;
    const [row] = await platform.sequelize.query<{ id: number }>(
      `INSERT INTO newsletter_subscribers (email, topics, status, consent_at, consent_version)
       VALUES (:email, ARRAY[:topics]::text[], 'pending', now(), :version)
       ON CONFLICT (email) DO UPDATE SET topics = EXCLUDED.topics, status = 'pending', consent_at = now(), consent_version = EXCLUDED.consent_version,
         unsubscribed_at = NULL, updated_at = now()
       RETURNING id`,
      { replacements: { email: data.email, topics: data.topics, version: CONSENT_VERSION }, type: QueryTypes.SELECT, transaction },
    );
    const { token } = await platform.tokens.issue({ purpose: CONFIRM, subjectId: row.id, ttlMs: CONFIRM_TTL_MS, replace: true }, transaction);
    await platform.mail.send(
      {
        to: data.email,
        subject: msg('news:newsletter.mail.confirmSubject', { centre: platform.config.centre.name }),
        template: 'newsletter-confirm',
        data: { link: link(platform, `/newsletter/conferma/${token}`), hours: CONFIRM_TTL_MS / 3_600_000, topics: data.topics },
      },
      transaction,
    );
    await platform.audit.record(null, { action: 'newsletter.subscribe-requested', subjectType: 'newsletter_subscriber', subjectId: row.id, details: { consentVersion: CONSENT_VERSION } }, transaction);
  });
  return { email: data.email };
}

/** The address behind a confirmation link still usable (the page with the button). */
export async function checkConfirmation(platform: Platform, token: unknown): Promise<Subscriber> {
  const record = await platform.tokens.check(CONFIRM, token, confirmMessages);
  const s = await subscriberBy(platform, 'id = :id', { id: record.subjectId });
  if (!s) throw new NotFoundError(confirmMessages.invalid);
  return s;
}

/** Confirms a subscription: the link works once. */
export async function confirmSubscription(platform: Platform, token: unknown): Promise<Subscriber> {
  return platform.sequelize.transaction(async (transaction) => {
    const record = await platform.tokens.consume(CONFIRM, token, confirmMessages, transaction);
    const [row] = await platform.sequelize.query<SubscriberRow>(
      `UPDATE newsletter_subscribers SET status = 'confirmed', confirmed_at = now(), updated_at = now() WHERE id = :id AND status = 'pending' RETURNING *`,
      { replacements: { id: record.subjectId }, type: QueryTypes.SELECT, transaction },
    );
    if (!row) throw new NotFoundError(confirmMessages.invalid);
    await platform.audit.record(null, { action: 'newsletter.subscribed', subjectType: 'newsletter_subscriber', subjectId: row.id, details: { consentVersion: row.consent_version } }, transaction);
    return subscriberOf(row);
  });
}

// ---- from a message: one-click unsubscribe and preferences ----

export async function checkUnsubscribe(platform: Platform, token: unknown): Promise<Subscriber> {
  const record = await platform.tokens.check(UNSUBSCRIBE, token, unsubscribeMessages);
  const s = await subscriberBy(platform, 'id = :id', { id: record.subjectId });
  if (!s) throw new NotFoundError(unsubscribeMessages.invalid);
  return s;
}

/** One click (RFC 8058 POST from the mail client, or the page's button): the link works once. */
export async function unsubscribe(platform: Platform, token: unknown): Promise<Subscriber> {
  return platform.sequelize.transaction(async (transaction) => {
    const record = await platform.tokens.consume(UNSUBSCRIBE, token, unsubscribeMessages, transaction);
    const [row] = await platform.sequelize.query<SubscriberRow>(
      `UPDATE newsletter_subscribers SET status = 'unsubscribed', unsubscribed_at = coalesce(unsubscribed_at, now()), updated_at = now() WHERE id = :id RETURNING *`,
      { replacements: { id: record.subjectId }, type: QueryTypes.SELECT, transaction },
    );
    if (!row) throw new NotFoundError(unsubscribeMessages.invalid);
    await platform.audit.record(null, { action: 'newsletter.unsubscribed', subjectType: 'newsletter_subscriber', subjectId: row.id }, transaction);
    return subscriberOf(row);
  });
}

export async function checkPreferences(platform: Platform, token: unknown): Promise<Subscriber> {
  const record = await platform.tokens.check(PREFERENCES, token, preferencesMessages);
  const s = await subscriberBy(platform, 'id = :id', { id: record.subjectId });
  if (!s) throw new NotFoundError(preferencesMessages.invalid);
  return s;
}

/** The topics chosen on the preferences page reached from a message (the link stays usable until it expires). */
export async function savePreferences(platform: Platform, token: unknown, input: unknown): Promise<Subscriber> {
  const s = await checkPreferences(platform, token);
  const data = parseInput(preferencesSchema, input);
  const [row] = await platform.sequelize.query<SubscriberRow>(`UPDATE newsletter_subscribers SET topics = ARRAY[:topics]::text[], updated_at = now() WHERE id = :id RETURNING *`, {
    replacements: { id: s.id, topics: data.topics },
    type: QueryTypes.SELECT,
  });
  return subscriberOf(row);
}

// ---- signed-in users: the subscription in their profile ----

export async function profileSubscription(platform: Platform, actor: Actor): Promise<Subscriber | null> {
  return subscriberBy(platform, 'user_id = :userId OR email = :email ORDER BY (user_id = :userId) DESC LIMIT 1', { userId: actor.userId, email: actor.email.toLowerCase() });
}

/**
 * A signed-in user subscribes, changes topics or leaves. Their address is their account's (already
 * verified), so no confirmation link is needed; the consent is recorded all the same.
 */
export async function saveProfileSubscription(platform: Platform, actor: Actor, input: unknown): Promise<Subscriber | null> {
  const body = (input ?? {}) as Record<string, unknown>;
  const email = actor.email.toLowerCase();
  if (body.action === 'unsubscribe') {
    await platform.sequelize.query(`UPDATE newsletter_subscribers SET status = 'unsubscribed', unsubscribed_at = now(), updated_at = now() WHERE email = :email AND status <> 'unsubscribed'`, {
      replacements: { email },
    });
    return profileSubscription(platform, actor);
  }
  const data = parseInput(subscribeSchema, { ...body, email });
  await platform.sequelize.query(
    `INSERT INTO newsletter_subscribers (email, user_id, topics, status, consent_at, consent_version, confirmed_at)
     VALUES (:email, :userId, ARRAY[:topics]::text[], 'confirmed', now(), :version, now())
     ON CONFLICT (email) DO UPDATE SET user_id = EXCLUDED.user_id, topics = EXCLUDED.topics, status = 'confirmed',
       confirmed_at = coalesce(newsletter_subscribers.confirmed_at, now()), consent_at = now(), consent_version = EXCLUDED.consent_version, unsubscribed_at = NULL, updated_at = now()`,
    { replacements: { email, userId: actor.userId, topics: data.topics, version: CONSENT_VERSION } },
  );
  return profileSubscription(platform, actor);
}

// ---- subscribers' data on request (staff) ----

export async function findSubscriber(platform: Platform, actor: Actor, email: unknown): Promise<Subscriber | null> {
  assertCanManageNews(actor, 'newsletter.subscriber.find');
  if (typeof email !== 'string' || !email.trim()) return null;
  return subscriberBy(platform, 'email = :email', { email: email.trim().toLowerCase().slice(0, 254) });
}

/** Everything kept about one subscriber (what they chose, their consent, what they were sent). */
export async function exportSubscriber(platform: Platform, actor: Actor, id: number) {
  assertCanManageNews(actor, 'newsletter.subscriber.export');
  const s = await subscriberBy(platform, 'id = :id', { id });
  if (!s) throw new NotFoundError('news:newsletter.subscriberNotFound');
  const deliveries = await platform.sequelize.query<{ issue_id: number; subject: string; queued_at: Date; accepted_at: Date | null }>(
    `SELECT d.issue_id, i.subject, d.queued_at, md.accepted_at FROM newsletter_deliveries d JOIN newsletter_issues i ON i.id = d.issue_id
       LEFT JOIN mail_deliveries md ON md.job_id = d.job_id WHERE d.subscriber_id = :id ORDER BY d.queued_at`,
    { replacements: { id }, type: QueryTypes.SELECT },
  );
  await platform.audit.record(actor, { action: 'newsletter.subscriber-exported', subjectType: 'newsletter_subscriber', subjectId: id });
  return {
    email: s.email,
    status: s.status,
    topics: s.topics,
    consent: { at: s.consentAt.toISOString(), version: s.consentVersion },
    confirmedAt: s.confirmedAt?.toISOString() ?? null,
    unsubscribedAt: s.unsubscribedAt?.toISOString() ?? null,
    createdAt: s.createdAt.toISOString(),
    issues: deliveries.map((d) => ({ id: d.issue_id, subject: d.subject, queuedAt: d.queued_at.toISOString(), acceptedAt: d.accepted_at?.toISOString() ?? null })),
  };
}

/** Erases a subscriber (their deliveries go with them; their links stop working). */
export async function deleteSubscriber(platform: Platform, actor: Actor, id: number): Promise<string> {
  assertCanManageNews(actor, 'newsletter.subscriber.delete');
  return platform.sequelize.transaction(async (transaction) => {
    const s = await subscriberBy(platform, 'id = :id FOR UPDATE', { id }, transaction);
    if (!s) throw new NotFoundError('news:newsletter.subscriberNotFound');
    for (const purpose of [CONFIRM, UNSUBSCRIBE, PREFERENCES]) await platform.tokens.revokeAll(purpose, id, transaction);
    await platform.sequelize.query('DELETE FROM newsletter_subscribers WHERE id = :id', { replacements: { id }, transaction });
    // The audit keeps that it happened, not who it was.
    await platform.audit.record(actor, { action: 'newsletter.subscriber-deleted', subjectType: 'newsletter_subscriber', subjectId: id }, transaction);
    return s.email;
  });
}

// ---- issues (staff) ----

export type IssueState = 'draft' | 'sending' | 'sent';
export type Issue = {
  id: number;
  subject: string;
  introMd: string;
  introHtml: string;
  postIds: number[];
  topics: NewsletterTopic[];
  state: IssueState;
  sendStartedAt: Date | null;
  queuedAt: Date | null;
  recipients: number;
  createdAt: Date;
};
type IssueRow = { id: number; subject: string; intro_md: string; intro_html: string; post_ids: number[]; topics: NewsletterTopic[]; state: IssueState; send_started_at: Date | null; queued_at: Date | null; recipients: number; created_at: Date };
const issueOf = (r: IssueRow): Issue => ({
  id: r.id,
  subject: r.subject,
  introMd: r.intro_md,
  introHtml: r.intro_html,
  postIds: r.post_ids,
  topics: r.topics,
  state: r.state,
  sendStartedAt: r.send_started_at,
  queuedAt: r.queued_at,
  recipients: r.recipients,
  createdAt: r.created_at,
});

export type IssuePost = { id: number; title: string; summary: string; url: string };

/** The published posts staff may put in an issue (the latest first). */
export async function postChoices(platform: Platform): Promise<Array<{ id: number; title: string; publishedAt: Date }>> {
  const rows = await platform.sequelize.query<{ id: number; title: string; published_at: Date }>(
    `SELECT id, title, published_at FROM news_posts WHERE state = 'published' ORDER BY published_at DESC, id DESC LIMIT 30`,
    { type: QueryTypes.SELECT },
  );
  return rows.map((r) => ({ id: r.id, title: r.title, publishedAt: r.published_at }));
}

async function issuePosts(platform: Platform, ids: number[], transaction?: Transaction): Promise<IssuePost[]> {
  if (!ids.length) return [];
  const rows = await platform.sequelize.query<{ id: number; title: string; summary: string }>(
    `SELECT id, title, summary FROM news_posts WHERE state = 'published' AND id IN (:ids) ORDER BY array_position(ARRAY[:ids]::int[], id)`,
    { replacements: { ids }, type: QueryTypes.SELECT, transaction },
  );
  return rows.map((r) => ({ ...r, url: link(platform, `/notizie/${r.id}`) }));
}

export async function listIssues(platform: Platform, actor: Actor) {
  assertCanManageNews(actor, 'newsletter.issue.list');
  const rows = await platform.sequelize.query<IssueRow & { queued: number; accepted: number }>(
    `SELECT i.*, (SELECT count(*)::int FROM newsletter_deliveries d WHERE d.issue_id = i.id) AS queued,
            (SELECT count(*)::int FROM newsletter_deliveries d JOIN mail_deliveries md ON md.job_id = d.job_id WHERE d.issue_id = i.id) AS accepted
       FROM newsletter_issues i ORDER BY i.created_at DESC, i.id DESC LIMIT 100`,
    { type: QueryTypes.SELECT },
  );
  const [{ n }] = await platform.sequelize.query<{ n: number }>(`SELECT count(*)::int AS n FROM newsletter_subscribers WHERE status = 'confirmed'`, { type: QueryTypes.SELECT });
  return { issues: rows.map((r) => ({ ...issueOf(r), queued: r.queued, accepted: r.accepted })), confirmed: n };
}

export async function saveIssue(platform: Platform, actor: Actor, id: number | null, input: unknown): Promise<Issue> {
  assertCanManageNews(actor, 'newsletter.issue.save');
  const data = parseInput(issueSchema, input);
  const posts = await issuePosts(platform, data.postIds);
  if (posts.length !== data.postIds.length) throw new ValidationError({ postIds: msg('news:error.postInvalid') });
  const replacements = { id, subject: data.subject, introMd: data.intro ?? '', introHtml: data.intro ? renderMarkdown(data.intro) : '', postIds: data.postIds, topics: data.topics, actor: actor.userId };
  const arrays = `ARRAY[:postIds]::int[]`;
  const sql = id
    ? `UPDATE newsletter_issues SET subject = :subject, intro_md = :introMd, intro_html = :introHtml, post_ids = ${data.postIds.length ? arrays : "'{}'"},
         topics = ${data.topics.length ? 'ARRAY[:topics]::text[]' : "'{}'"}, updated_at = now() WHERE id = :id AND state = 'draft' RETURNING *`
    : `INSERT INTO newsletter_issues (subject, intro_md, intro_html, post_ids, topics, created_by)
       VALUES (:subject, :introMd, :introHtml, ${data.postIds.length ? arrays : "'{}'"}, ${data.topics.length ? 'ARRAY[:topics]::text[]' : "'{}'"}, :actor) RETURNING *`;
  const [row] = await platform.sequelize.query<IssueRow>(sql, { replacements, type: QueryTypes.SELECT });
  if (!row) {
    if (id && (await getIssueRow(platform, id))) throw new ConflictError('news:newsletter.issueNotDraft');
    throw new NotFoundError('news:newsletter.issueNotFound');
  }
  return issueOf(row);
}

async function getIssueRow(platform: Platform, id: number, transaction?: Transaction, lock = false): Promise<Issue | null> {
  const [row] = await platform.sequelize.query<IssueRow>(`SELECT * FROM newsletter_issues WHERE id = :id${lock ? ' FOR UPDATE' : ''}`, { replacements: { id }, type: QueryTypes.SELECT, transaction });
  return row ? issueOf(row) : null;
}

/** An issue with its posts, the audience and the progress of its sending (staff). */
export async function getIssue(platform: Platform, viewer: Viewer, id: number) {
  assertCanManageNews(viewer, 'newsletter.issue.show');
  const issue = await getIssueRow(platform, id);
  if (!issue) throw new NotFoundError('news:newsletter.issueNotFound');
  const [progress] = await platform.sequelize.query<{ queued: number; accepted: number }>(
    `SELECT count(*)::int AS queued, count(md.job_id)::int AS accepted FROM newsletter_deliveries d LEFT JOIN mail_deliveries md ON md.job_id = d.job_id WHERE d.issue_id = :id`,
    { replacements: { id }, type: QueryTypes.SELECT },
  );
  const [{ audience }] = await platform.sequelize.query<{ audience: number }>(`SELECT count(*)::int AS audience FROM newsletter_subscribers s WHERE ${AUDIENCE}`, {
    replacements: { topics: issue.topics.length ? issue.topics : [''] , anyTopic: issue.topics.length === 0 },
    type: QueryTypes.SELECT,
  });
  return { issue, posts: await issuePosts(platform, issue.postIds), progress, audience };
}

/** Confirmed subscribers of any of the issue's topics (every confirmed one when it has none). */
const AUDIENCE = `s.status = 'confirmed' AND (:anyTopic OR s.topics && ARRAY[:topics]::text[])`;

const UNSUB_MARK = 'https://newsletter.invalid/unsubscribe-link';
const PREFS_MARK = 'https://newsletter.invalid/preferences-link';

/** The issue's message rendered once, with marks where each recipient's links go. */
async function renderIssue(platform: Platform, issue: Issue, posts: IssuePost[], links: { unsubscribe: string; preferences: string }, to: string, test = false): Promise<MailMessage> {
  return platform.mail.render({
    to,
    subject: test ? msg('news:newsletter.mail.testSubject', { subject: issue.subject }) : issue.subject,
    template: 'newsletter-issue',
    data: { introHtml: issue.introHtml, introText: issue.introMd, posts, unsubscribeLink: links.unsubscribe, preferencesLink: links.preferences, newsletterLink: link(platform, '/newsletter') },
  });
}

function personalise(template: MailMessage, to: string, unsubscribe: string, preferences: string): MailMessage {
  const fill = (s: string) => s.split(UNSUB_MARK).join(unsubscribe).split(PREFS_MARK).join(preferences);
  return {
    ...template,
    to,
    html: fill(template.html),
    text: fill(template.text),
    headers: { 'List-Unsubscribe': `<${unsubscribe}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
  };
}

/** A test copy to the operator themselves, through the same queue; its links lead to the newsletter page. */
export async function sendTest(platform: Platform, actor: Actor, id: number): Promise<string> {
  const { issue, posts } = await getIssue(platform, actor, id);
  const profile = link(platform, '/newsletter/profilo');
  const message = await renderIssue(platform, issue, posts, { unsubscribe: profile, preferences: profile }, actor.email, true);
  await platform.sequelize.transaction(async (transaction) => {
    await platform.mail.enqueueMany([personalise(message, actor.email, profile, profile)], transaction, 0);
  });
  return actor.email;
}

/** Starts sending: the issue can no longer change, and the dispatch job queues it to its audience. */
export async function startSending(platform: Platform, actor: Actor, id: number): Promise<Issue> {
  assertCanManageNews(actor, 'newsletter.issue.send');
  return platform.sequelize.transaction(async (transaction) => {
    const issue = await getIssueRow(platform, id, transaction, true);
    if (!issue) throw new NotFoundError('news:newsletter.issueNotFound');
    if (issue.state !== 'draft') throw new ConflictError('news:newsletter.issueNotDraft');
    const [row] = await platform.sequelize.query<IssueRow>(
      `UPDATE newsletter_issues SET state = 'sending', sent_by = :actor, send_started_at = now(), updated_at = now() WHERE id = :id RETURNING *`,
      { replacements: { id, actor: actor.userId }, type: QueryTypes.SELECT, transaction },
    );
    await platform.jobs.send(DISPATCH_QUEUE, { issueId: id }, { transaction });
    await platform.audit.record(actor, { action: 'newsletter.issue-sent', subjectType: 'newsletter_issue', subjectId: id }, transaction);
    return issueOf(row);
  });
}

/**
 * Queues the next batch of an issue being sent; returns how many it queued (0: the issue is fully
 * queued and now `sent`). Batches are serialised by the issue's row lock.
 */
export async function dispatchBatch(platform: Platform, issueId: number, batch = DISPATCH_BATCH): Promise<number> {
  return platform.sequelize.transaction(async (transaction) => {
    const issue = await getIssueRow(platform, issueId, transaction, true);
    if (!issue || issue.state !== 'sending') return 0;
    const recipients = await platform.sequelize.query<{ id: number; email: string }>(
      `SELECT s.id, s.email FROM newsletter_subscribers s
        WHERE ${AUDIENCE} AND NOT EXISTS (SELECT 1 FROM newsletter_deliveries d WHERE d.issue_id = :issueId AND d.subscriber_id = s.id)
        ORDER BY s.id LIMIT :batch`,
      { replacements: { issueId, batch, topics: issue.topics.length ? issue.topics : [''], anyTopic: issue.topics.length === 0 }, type: QueryTypes.SELECT, transaction },
    );
    if (!recipients.length) {
      await platform.sequelize.query(
        `UPDATE newsletter_issues SET state = 'sent', queued_at = now(), recipients = (SELECT count(*) FROM newsletter_deliveries WHERE issue_id = :issueId), updated_at = now() WHERE id = :issueId`,
        { replacements: { issueId }, transaction },
      );
      return 0;
    }
    const ids = recipients.map((r) => r.id);
    const [unsub, prefs] = await Promise.all([
      platform.tokens.issueMany({ purpose: UNSUBSCRIBE, subjectIds: ids, ttlMs: LINK_TTL_MS }, transaction),
      platform.tokens.issueMany({ purpose: PREFERENCES, subjectIds: ids, ttlMs: LINK_TTL_MS }, transaction),
    ]);
    const template = await renderIssue(platform, issue, await issuePosts(platform, issue.postIds, transaction), { unsubscribe: UNSUB_MARK, preferences: PREFS_MARK }, recipients[0].email);
    const messages = recipients.map((r, i) => personalise(template, r.email, link(platform, `/newsletter/disiscrizione/${unsub[i]}`), link(platform, `/newsletter/preferenze/${prefs[i]}`)));
    const jobIds = await platform.mail.enqueueMany(messages, transaction);
    await platform.sequelize.query(
      `INSERT INTO newsletter_deliveries (issue_id, subscriber_id, job_id) SELECT :issueId, s, j FROM unnest(ARRAY[:ids]::int[], ARRAY[:jobIds]::uuid[]) AS t(s, j)`,
      { replacements: { issueId, ids, jobIds }, transaction },
    );
    return recipients.length;
  });
}

/** The dispatch job: batch after batch until the issue is queued whole (a retry goes on where it stopped). */
export async function dispatchIssue(platform: Platform, issueId: number): Promise<number> {
  let total = 0;
  for (;;) {
    const n = await dispatchBatch(platform, issueId);
    if (!n) break;
    total += n;
  }
  if (total) platform.log.info({ issueId, queued: total }, 'newsletter issue queued');
  return total;
}
