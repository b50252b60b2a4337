// One way to run the area's SQL: rows as plain objects, in the caller's transaction when given.
import { QueryTypes, type Transaction } from 'sequelize';
import type { Platform } from '../../platform/context.js';

export function rows<T extends object>(platform: Platform, sql: string, replacements: Record<string, unknown> = {}, transaction?: Transaction): Promise<T[]> {
  return platform.sequelize.query<T>(sql, { replacements, type: QueryTypes.SELECT, transaction });
}

export async function one<T extends object>(platform: Platform, sql: string, replacements: Record<string, unknown> = {}, transaction?: Transaction): Promise<T | null> {
  return (await rows<T>(platform, sql, replacements, transaction))[0] ?? null;
}

export async function exec(platform: Platform, sql: string, replacements: Record<string, unknown> = {}, transaction?: Transaction): Promise<void> {
  await platform.sequelize.query(sql, { replacements, transaction });
}
