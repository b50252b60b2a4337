import { Sequelize } from 'sequelize';
import type { Logger } from '../platform/logger.js';

export function createSequelize(url: string, log?: Logger, poolMax = 10): Sequelize {
  return new Sequelize(url, {
    dialect: 'postgres',
    logging: log ? (sql) => log.trace({ sql }) : false,
    pool: { max: poolMax, min: 0, idle: 10_000, acquire: 15_000 },
    define: { underscored: true, timestamps: true },
    dialectOptions: { application_name: 'cit-hub' },
  });
}
