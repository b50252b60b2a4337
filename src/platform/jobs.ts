// The durable job queue (pg-boss tables in the same PostgreSQL): mail, reminders, SLA checks.
import PgBoss from 'pg-boss';
import type { Sequelize, Transaction } from 'sequelize';
import type { Logger } from './logger.js';

export type JobDefinition<T extends object = Record<string, unknown>> = {
  name: string;
  handler: (data: T) => Promise<void>;
  /** Cron expression (Europe/Rome) for recurring jobs. */
  cron?: string;
  retryLimit?: number;
  retryDelaySeconds?: number;
  retryBackoff?: boolean;
};

export type SendOptions = { startAfter?: Date; singletonKey?: string; transaction?: Transaction };

export class JobQueue {
  private readonly defined = new Set<string>();

  private constructor(
    private readonly boss: PgBoss,
    private readonly sequelize: Sequelize,
    private readonly log: Logger,
    private readonly pollingIntervalSeconds: number,
  ) {}

  static async start(opts: { databaseUrl: string; sequelize: Sequelize; log: Logger; pollingIntervalSeconds?: number }): Promise<JobQueue> {
    const boss = new PgBoss({ connectionString: opts.databaseUrl, schema: 'pgboss', max: 4, application_name: 'cit-hub-jobs' } as PgBoss.ConstructorOptions);
    boss.on('error', (err) => opts.log.error({ err }, 'job queue error'));
    await boss.start();
    return new JobQueue(boss, opts.sequelize, opts.log, opts.pollingIntervalSeconds ?? 2);
  }

  /** Creates the queues (idempotent); every process that sends or works calls it at start. */
  async define(definitions: JobDefinition<never>[]): Promise<void> {
    for (const d of definitions) {
      await this.boss.createQueue(d.name, {
        name: d.name,
        retryLimit: d.retryLimit ?? 5,
        retryDelay: d.retryDelaySeconds ?? 30,
        retryBackoff: d.retryBackoff ?? true,
      });
      this.defined.add(d.name);
    }
  }

  /** Enqueues a job; inside `transaction` it is stored atomically with the business change. */
  async send(name: string, data: object, opts: SendOptions = {}): Promise<void> {
    if (!this.defined.has(name)) throw new Error(`job queue ${name} is not defined`);
    const { transaction, ...jobOptions } = opts;
    const sendOptions: PgBoss.SendOptions = { ...jobOptions };
    if (transaction) {
      sendOptions.db = {
        executeSql: async (text: string, values: unknown[]) => {
          // pg turns undefined into NULL; Sequelize's bind refuses it, so do what pg would do.
          const bind = values.map((v) => (v === undefined ? null : v));
          const [rows] = await this.sequelize.query(text, { bind, transaction, raw: true });
          return { rows: rows as unknown[] };
        },
      } as unknown as PgBoss.Db;
    }
    await this.boss.send(name, data, sendOptions);
  }

  /** Starts working the given queues in this process. */
  async work(definitions: JobDefinition<never>[]): Promise<void> {
    await this.define(definitions);
    for (const d of definitions) {
      await this.boss.work(d.name, { pollingIntervalSeconds: this.pollingIntervalSeconds, batchSize: 1 }, async (jobs) => {
        for (const job of jobs) {
          try {
            await (d.handler as (data: unknown) => Promise<void>)(job.data);
          } catch (err) {
            this.log.warn({ err, job: d.name, id: job.id }, 'job failed: it will be retried');
            throw err;
          }
        }
      });
      if (d.cron) await this.boss.schedule(d.name, d.cron, {}, { tz: 'Europe/Rome' });
    }
  }

  async size(name: string): Promise<number> {
    return this.boss.getQueueSize(name);
  }

  async stop(): Promise<void> {
    await this.boss.stop({ graceful: true, timeout: 5000, wait: true } as PgBoss.StopOptions);
  }
}
