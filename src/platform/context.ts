// What every service may use: built once per process by src/server.ts (or by a test) and passed down.
import type { Sequelize } from 'sequelize';
import type { Config } from '../config.js';
import type { AuditLog } from './audit.js';
import type { FileStore } from './files.js';
import type { JobQueue } from './jobs.js';
import type { RateLimits } from './limits.js';
import type { Logger } from './logger.js';
import type { Mailer } from './mail.js';
import type { TokenStore } from './tokens.js';

export type Platform = {
  config: Config;
  log: Logger;
  sequelize: Sequelize;
  /** The resolved connection string (the embedded server's when DATABASE_URL is unset). */
  databaseUrl: string;
  jobs: JobQueue;
  mail: Mailer;
  audit: AuditLog;
  files: FileStore;
  tokens: TokenStore;
  /** Attempt counters shared by all processes (login, password reset). */
  limits: RateLimits;
};
