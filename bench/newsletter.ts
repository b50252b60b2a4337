// npm run bench -- newsletter [count]: the time to send one newsletter issue to `count` confirmed
// subscribers (10,000 by default) through a real local SMTP server. A scratch embedded PostgreSQL, the
// subscribers inserted, an issue composed with the demo posts; then «invia» and one worker (dispatch in
// batches of 500 plus the mail queue with its concurrency and rate limit, as in production) until the
// SMTP sink has accepted every message. Prints the dispatch time, the total and messages per second.
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildPlatform, jobDefinitions, runSeeds } from '../src/boot.js';
import { startEmbeddedPostgres } from '../src/db/embedded.js';
import { findPersonByEmail } from '../src/modules/accounts/index.js';
import { saveIssue, startSending } from '../src/modules/news/newsletter.js';
import { createLogger } from '../src/platform/logger.js';
import { benchConfig, startSmtpSink } from './lib.js';

export async function run(args: string[]): Promise<void> {
  const count = Number(args[0] ?? 10_000);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cithub-bench-newsletter-'));
  chmodSync(dir, 0o755);
  const log = createLogger('silent');
  const db = await startEmbeddedPostgres(dir, log, { database: 'cithub_bench_newsletter', persistent: false });

  const sink = await startSmtpSink();
  const config = benchConfig(db.url, dir, sink.port);
  const platform = await buildPlatform(config, log, db.url);
  await runSeeds(platform);
  await platform.sequelize.query(
    `INSERT INTO newsletter_subscribers (email, topics, status, consent_at, consent_version, confirmed_at)
     SELECT 'lettore' || i || '@comune' || (i % 200) || '.example.it', ARRAY['eventi','formazione'], 'confirmed', now(), '2026-12', now() FROM generate_series(1, :count) AS i`,
    { replacements: { count } },
  );
  const person = (await findPersonByEmail('staff@cithub.example'))!;
  const staff = { userId: person.id, email: person.email, name: person.name, role: person.role, entityId: null, ip: '127.0.0.1' };
  const [posts] = await platform.sequelize.query(`SELECT id FROM news_posts WHERE state = 'published' ORDER BY published_at DESC LIMIT 3`);
  const issue = await saveIssue(platform, staff, null, {
    subject: 'La newsletter di dicembre del Centro',
    intro: 'Le novità del mese per i **comuni aderenti**: laboratori, webinar e il nuovo avviso PNRR.',
    postIds: (posts as Array<{ id: number }>).map((p) => String(p.id)),
  });

  const done = sink.waitFor(count);
  const started = Date.now();
  await startSending(platform, staff, issue.id);
  await platform.jobs.work(jobDefinitions(platform));
  let dispatchedMs = 0;
  const watch = setInterval(() => {
    void platform.sequelize.query(`SELECT state FROM newsletter_issues WHERE id = :id`, { replacements: { id: issue.id } }).then(([rows]) => {
      if (!dispatchedMs && (rows as Array<{ state: string }>)[0]?.state === 'sent') dispatchedMs = Date.now() - started;
    });
  }, 200);
  await done;
  const seconds = (Date.now() - started) / 1000;
  clearInterval(watch);
  console.log(
    `newsletter: un numero a ${count.toLocaleString('it-IT')} iscritti — in coda (dispatch a lotti di 500, link personali, righe di consegna) in ${(dispatchedMs / 1000).toFixed(1)} s; ` +
      `${sink.received().toLocaleString('it-IT')} messaggi (${sink.recipients.size.toLocaleString('it-IT')} destinatari distinti) accettati dal server SMTP in ${seconds.toFixed(1)} s: ${(sink.received() / seconds).toFixed(0)} messaggi/s ` +
      `(un worker; MAIL_CONCURRENCY=${config.mailConcurrency}, MAIL_RATE_PER_SECOND=${config.mailRatePerSecond || 'nessun limite'})`,
  );
  await platform.jobs.stop();
  platform.mail.close();
  await platform.sequelize.close();
  await sink.close();
  await db.stop();
  rmSync(dir, { recursive: true, force: true });
}
