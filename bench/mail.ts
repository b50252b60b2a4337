// npm run bench -- mail [count]: how fast one worker drains a mail backlog to a local SMTP server.
// A real smtp-server sink, a scratch embedded PostgreSQL, `count` messages (500 by default) enqueued
// while no worker runs; then one worker starts and the time until the sink has accepted them all
// gives messages per second. With MAIL_RATE_PER_SECOND set, the limit is applied as in production.
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildPlatform, jobDefinitions } from '../src/boot.js';
import { startEmbeddedPostgres } from '../src/db/embedded.js';
import { createLogger } from '../src/platform/logger.js';
import { benchConfig, startSmtpSink } from './lib.js';
import { MAIL_QUEUE } from '../src/platform/mail.js';

export async function run(args: string[]): Promise<void> {
  const count = Number(args[0] ?? 500);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cithub-bench-mail-'));
  chmodSync(dir, 0o755);
  const log = createLogger('silent');
  const db = await startEmbeddedPostgres(dir, log, { database: 'cithub_bench_mail', persistent: false });

  const sink = await startSmtpSink();
  const config = benchConfig(db.url, dir, sink.port);
  const platform = await buildPlatform(config, log, db.url);
  const enqueueStarted = Date.now();
  for (let i = 0; i < count; i++) {
    await platform.mail.send({ to: `rtd${i}@comune.example.it`, subject: `Prova ${i}`, template: 'password-reset', data: { name: 'Anna', link: `http://127.0.0.1/x/${i}`, minutes: 60 } });
  }
  const enqueueMs = Date.now() - enqueueStarted;
  console.log(`${count} messaggi in coda in ${(enqueueMs / 1000).toFixed(1)} s (queue ${MAIL_QUEUE}: ${await platform.jobs.size(MAIL_QUEUE)})`);

  const started = Date.now();
  const done = sink.waitFor(count);
  await platform.jobs.work(jobDefinitions(platform));
  await done;
  const seconds = (Date.now() - started) / 1000;
  console.log(
    `mail: ${sink.received()} messaggi ricevuti dal server SMTP in ${seconds.toFixed(1)} s: ${(sink.received() / seconds).toFixed(1)} messaggi/s ` +
      `(un worker; MAIL_CONCURRENCY=${config.mailConcurrency}, MAIL_RATE_PER_SECOND=${config.mailRatePerSecond || 'nessun limite'})`,
  );
  await platform.jobs.stop();
  platform.mail.close?.();
  await platform.sequelize.close();
  await sink.close();
  await db.stop();
  rmSync(dir, { recursive: true, force: true });
}
