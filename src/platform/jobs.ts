// The durable job queue (pg-boss tables in the same PostgreSQL): mail, reminders, SLA checks.
//
// pg-boss stores and fetches the jobs; the worker loop is ours. pg-boss 10's own `work()` completes
// or fails a job without awaiting it, so a database that is unreachable at that moment rejects a
// promise nobody handles and Node ends the process. Here every completion is awaited and retried
// while the database is away, jobs are fetched in batches and run with a bounded concurrency and an
// optional rate limit (mail to a real provider), and nothing the loop does can reject unhandled.
// pg-boss 11 and 12 await completions themselves but need Node 22; the supported floor is 20.19.
import { randomUUID } from 'node:crypto';
import PgBoss from 'pg-boss';
import type { Sequelize, Transaction } from 'sequelize';
import { compactError, isDatabaseShutdown, type Logger } from './logger.js';
import { hot } from './prepared.js';

export type JobInfo = { id: string; name: string };

export type JobDefinition<T extends object = Record<string, unknown>> = {
  name: string;
  handler: (data: T, job: JobInfo) => Promise<void>;
  /** Cron expression (Europe/Rome) for recurring jobs. */
  cron?: string;
  retryLimit?: number;
  retryDelaySeconds?: number;
  retryBackoff?: boolean;
  /** An active job not completed within this time is given to another worker (pg-boss default: 15 minutes). */
  expireInSeconds?: number;
  /** Jobs fetched per round trip (default 1). */
  batchSize?: number;
  /** Jobs of this queue run at once in one process (default 1). */
  concurrency?: number;
  /** At most this many jobs started per second in one process (0 or absent: no limit). */
  ratePerSecond?: number;
};

export type SendOptions = { startAfter?: Date; singletonKey?: string; transaction?: Transaction };

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Spaces starts so that no more than `perSecond` begin in any second. */
class RateLimiter {
  private next = 0;
  constructor(private readonly perSecond: number) {}

  async take(): Promise<void> {
    if (!this.perSecond) return;
    const now = Date.now();
    const at = Math.max(now, this.next);
    this.next = at + 1000 / this.perSecond;
    if (at > now) await sleep(at - now);
  }
}

function retryOptions(d: JobDefinition<never>) {
  return {
    retryLimit: d.retryLimit ?? 5,
    retryDelay: d.retryDelaySeconds ?? 30,
    retryBackoff: d.retryBackoff ?? true,
    ...(d.expireInSeconds ? { expireInSeconds: d.expireInSeconds } : {}),
  };
}

type Loop = { name: string; wake: () => void; done: Promise<void>; active: number };

export class JobQueue {
  private readonly definitions = new Map<string, JobDefinition<never>>();
  private readonly loops: Loop[] = [];
  private stopping = false;

  private constructor(
    private readonly boss: PgBoss,
    private readonly sequelize: Sequelize,
    private readonly log: Logger,
    private readonly pollingIntervalSeconds: number,
  ) {}

  static async start(opts: { databaseUrl: string; sequelize: Sequelize; log: Logger; pollingIntervalSeconds?: number }): Promise<JobQueue> {
    const boss = new PgBoss({
      connectionString: opts.databaseUrl,
      schema: 'pgboss',
      max: 4,
      application_name: 'cit-hub-jobs',
      // Expired jobs (a worker killed mid-job) go back to the queue at the next maintenance: keep it short.
      maintenanceIntervalSeconds: 5,
      connectionTimeoutMillis: 5000,
    } as PgBoss.ConstructorOptions);
    boss.on('error', (err) => {
      if (isDatabaseShutdown(err)) opts.log.info({ code: (err as { code?: string }).code }, 'job queue: the database is shutting down');
      else opts.log.warn({ err: compactError(err) }, 'job queue error');
    });
    await boss.start();
    return new JobQueue(boss, opts.sequelize, opts.log, opts.pollingIntervalSeconds ?? 2);
  }

  /** Creates the queues (idempotent); every process that sends or works calls it at start. */
  async define(definitions: JobDefinition<never>[]): Promise<void> {
    for (const d of definitions) {
      await this.boss.createQueue(d.name, { name: d.name, ...retryOptions(d) });
      this.definitions.set(d.name, d);
    }
  }

  /** Enqueues a job; inside `transaction` it is stored atomically with the business change. */
  async send(name: string, data: object, opts: SendOptions = {}): Promise<void> {
    const definition = this.definitions.get(name);
    if (!definition) throw new Error(`job queue ${name} is not defined`);
    const { transaction, ...jobOptions } = opts;
    // Retry and expiry travel with each job: a queue created by an older version (or another
    // process's settings) keeps its own defaults, and these are the sender's.
    const sendOptions: PgBoss.SendOptions = { ...retryOptions(definition), ...jobOptions };
    if (transaction) {
      sendOptions.db = {
        executeSql: async (text: string, values: unknown[]) => {
          // pg turns undefined into NULL; Sequelize's bind refuses it, so do what pg would do.
          const bind = values.map((v) => (v === undefined ? null : v));
          const [rows] = await this.sequelize.query(hot(text), { bind, transaction, raw: true });
          return { rows: rows as unknown[] };
        },
      } as unknown as PgBoss.Db;
    }
    await this.boss.send(name, data, sendOptions);
  }

  /** Enqueues many jobs of one queue in one statement (inside `transaction`); returns their ids, in order. */
  async sendMany(name: string, items: object[], opts: { transaction: Transaction; priority?: number }): Promise<string[]> {
    const definition = this.definitions.get(name);
    if (!definition) throw new Error(`job queue ${name} is not defined`);
    if (!items.length) return [];
    const r = retryOptions(definition);
    const jobs = items.map((data) => ({
      id: randomUUID(),
      name,
      data,
      priority: opts.priority ?? 0,
      retryLimit: r.retryLimit,
      retryDelay: r.retryDelay,
      retryBackoff: r.retryBackoff,
      ...(r.expireInSeconds ? { expireInSeconds: r.expireInSeconds } : {}),
    }));
    const db = {
      executeSql: async (text: string, values: unknown[]) => {
        const bind = values.map((v) => (v === undefined ? null : v));
        // pg-boss's insert is one fixed text (the jobs as one JSON parameter): prepared like send's.
        const [rows] = await this.sequelize.query(hot(text), { bind, transaction: opts.transaction, raw: true });
        return { rows: rows as unknown[] };
      },
    } as unknown as PgBoss.Db;
    await this.boss.insert(jobs, { db });
    return jobs.map((j) => j.id);
  }

  /** Starts working the given queues in this process. */
  async work(definitions: JobDefinition<never>[]): Promise<void> {
    await this.define(definitions);
    this.stopping = false;
    for (const d of definitions) {
      this.loops.push(this.startLoop(d as unknown as JobDefinition<object>));
      if (d.cron) await this.boss.schedule(d.name, d.cron, {}, { tz: 'Europe/Rome' });
    }
  }

  private startLoop(d: JobDefinition<object>): Loop {
    const batchSize = Math.max(1, d.batchSize ?? 1);
    const concurrency = Math.max(1, d.concurrency ?? 1);
    const limiter = new RateLimiter(d.ratePerSecond ?? 0);
    let signal: (() => void) | null = null;
    const loop: Loop = { name: d.name, active: 0, wake: () => signal?.(), done: Promise.resolve() };
    // Resolves after `ms`, or earlier when a job ends or the queue stops.
    const pause = (ms: number) =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, ms);
        signal = () => {
          clearTimeout(timer);
          resolve();
        };
      }).finally(() => {
        signal = null;
      });
    const runOne = async (job: PgBoss.Job<object>) => {
      await limiter.take();
      let failure: unknown = null;
      try {
        await d.handler(job.data, { id: job.id, name: d.name });
      } catch (err) {
        failure = err;
        this.log.warn({ err: compactError(err), job: d.name, id: job.id }, 'job failed: it will be retried');
      }
      // A job done but not marked done would run again: insist while the database is away.
      await this.settle(d.name, job.id, failure);
    };
    const running = new Set<Promise<void>>();
    const run = async () => {
      // Fetched jobs wait here for a free slot; few of them, since a job's expiry counts from its fetch.
      const waiting: PgBoss.Job<object>[] = [];
      while (!this.stopping) {
        const room = concurrency * 2 - waiting.length - loop.active;
        if (!waiting.length && room > 0) {
          let jobs: PgBoss.Job<object>[] = [];
          try {
            jobs = await this.boss.fetch<object>(d.name, { batchSize: Math.min(batchSize, room) });
          } catch (err) {
            this.log.warn({ err: compactError(err), job: d.name }, 'job fetch failed');
          }
          waiting.push(...jobs);
          if (!jobs.length && !loop.active) {
            await pause(this.pollingIntervalSeconds * 1000);
            continue;
          }
        }
        // One slow job holds only its own slot: the others go on, and more are fetched as they end.
        while (loop.active < concurrency && waiting.length && !this.stopping) {
          const job = waiting.shift()!;
          loop.active++;
          const p: Promise<void> = runOne(job).finally(() => {
            loop.active--;
            running.delete(p);
            signal?.();
          });
          running.add(p);
        }
        if (loop.active >= concurrency || waiting.length || loop.active) await pause(this.pollingIntervalSeconds * 1000);
      }
      // Stopping: the jobs already fetched are run too (else they would wait for their expiry).
      for (const job of waiting.splice(0)) running.add(runOne(job));
      await Promise.allSettled([...running]);
    };
    loop.done = run().catch((err) => {
      // Not expected (every step above catches); a queue that stopped working must not go unnoticed.
      this.log.fatal({ err: compactError(err), job: d.name }, 'job loop ended');
      throw err;
    });
    return loop;
  }

  /** Marks a job completed (or failed, to be retried), retrying while the database is unreachable. */
  private async settle(name: string, id: string, failure: unknown): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        if (failure) {
          const message = failure instanceof Error ? failure.message : String(failure);
          await this.boss.fail(name, id, { message: message.slice(0, 1000) });
        } else {
          await this.boss.complete(name, id);
        }
        if (attempt > 0) this.log.info({ job: name, id, attempts: attempt + 1 }, 'job state recorded after the database came back');
        return;
      } catch (err) {
        // While stopping, or after about two minutes, leave it: the job expires and runs again
        // (the mail queue's delivery record keeps a resend from reaching the recipient twice).
        if (this.stopping || attempt >= 60) {
          this.log.error({ err: compactError(err), job: name, id }, 'job state not recorded: it will run again after its expiry');
          return;
        }
        if (attempt === 0) this.log.warn({ err: compactError(err), job: name, id }, 'job state not recorded yet: retrying');
        await sleep(Math.min(250 * 2 ** attempt, 2000));
      }
    }
  }

  async size(name: string): Promise<number> {
    return this.boss.getQueueSize(name);
  }

  async stop(): Promise<void> {
    this.stopping = true;
    for (const loop of this.loops) loop.wake();
    const loops = this.loops.splice(0);
    // Jobs in flight finish (a mail being sent is recorded) within a bounded wait.
    await Promise.race([Promise.allSettled(loops.map((l) => l.done)), sleep(10_000)]);
    await this.boss.stop({ graceful: true, timeout: 5000, wait: true } as PgBoss.StopOptions);
  }
}
