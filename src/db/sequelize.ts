import type pg from 'pg';
import { Sequelize } from 'sequelize';
import type { Logger } from '../platform/logger.js';
import { installRequestGuards } from '../platform/requests.js';
import { prepareHotStatements } from '../platform/prepared.js';

/**
 * `acquireTimeoutMs` bounds the wait for a pooled connection: under overload a request gets a 503
 * after that long rather than queueing behind the others until the client gives up.
 */
export function createSequelize(url: string, log?: Logger, poolMax = 10, opts: { acquireTimeoutMs?: number } = {}): Sequelize {
  const sequelize = new Sequelize(url, {
    dialect: 'postgres',
    logging: log ? (sql) => log.trace({ sql }) : false,
    pool: { max: poolMax, min: 0, idle: 10_000, acquire: opts.acquireTimeoutMs ?? 15_000 },
    define: { underscored: true, timestamps: true },
    dialectOptions: { application_name: 'cit-hub', connectionTimeoutMillis: 5000 },
  });
  sequelize.addHook('afterConnect', (connection) => prepareHotStatements(connection as pg.ClientBase));
  installRequestGuards(sequelize);
  return sequelize;
}
