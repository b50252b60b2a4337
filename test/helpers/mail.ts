// What the app decided to mail, read from the durable queue: a mail is enqueued in the transaction
// of the change that sends it, so once that request has answered, "nothing was sent to X" is a
// fact of the database, with no wait for the worker (and no sleep that would pass even if it never ran).
import { QueryTypes } from 'sequelize';
import { MAIL_QUEUE } from '../../src/platform/mail.js';
import { testContext } from './app.js';
import type { TestInbox } from './smtp.js';

/** Subjects of every mail job to `to` (waiting, sent, failed or archived), oldest first. */
export async function mailJobsTo(to: string): Promise<string[]> {
  const { platform } = await testContext();
  const rows = await platform.sequelize.query<{ subject: string }>(
    `SELECT data->>'subject' AS subject, created_on FROM pgboss.job WHERE name = :queue AND position(lower(:to) in lower(data->>'to')) > 0
     UNION ALL
     SELECT data->>'subject' AS subject, created_on FROM pgboss.archive WHERE name = :queue AND position(lower(:to) in lower(data->>'to')) > 0
     ORDER BY created_on`,
    { replacements: { queue: MAIL_QUEUE, to }, type: QueryTypes.SELECT },
  );
  return rows.map((r) => r.subject);
}

/** Waits until the SMTP sink holds every mail enqueued so far to `to`. */
export async function allDelivered(inbox: TestInbox, to: string): Promise<void> {
  const expected = (await mailJobsTo(to)).length;
  await inbox.waitUntil(() => (inbox.all(to).length >= expected ? true : undefined), `${expected} mail(s) to ${to}`);
}
