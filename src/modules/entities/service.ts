// Bodies (enti): the public list, the page of one body, admin edits and the IndicePA CSV import.
import { parse } from 'csv-parse/sync';
import { Op, type WhereOptions } from 'sequelize';
import type { Actor, Viewer } from '../../platform/actor.js';
import type { Platform } from '../../platform/context.js';
import { ConflictError, NotFoundError, ValidationError } from '../../platform/errors.js';
import { msg, type Message } from '../../platform/messages.js';
import { fieldErrorsOf, parseInput } from '../../platform/validation.js';
import { ipaKindFrom } from '../../platform/vocabulary.js';
import { findPerson, usersOfBody } from '../accounts/index.js';
import { Entity, type EntityKind } from './models.js';
import { assertCanEditEntities, canSeeEntityDetails, canSeeNonMembers } from './policy.js';
import { entityFilterSchema, entitySchema, type EntityInput } from './schemas.js';

export async function listEntities(viewer: Viewer, query: unknown, page: { perPage: number; offset: number }) {
  const filter = entityFilterSchema.parse(query ?? {});
  const where: WhereOptions<Entity> = {};
  if (filter.q) Object.assign(where, { [Op.or]: [{ name: { [Op.iLike]: `%${filter.q}%` } }, { ipaCode: { [Op.iLike]: `${filter.q}%` } }] });
  if (filter.province) Object.assign(where, { provinceCode: filter.province });
  if (filter.kind) Object.assign(where, { kind: filter.kind });
  if (canSeeNonMembers(viewer)) {
    if (filter.status) Object.assign(where, { membershipStatus: filter.status });
  } else {
    Object.assign(where, { membershipStatus: 'active' });
  }
  const { rows, count } = await Entity.findAndCountAll({ where, order: [['name', 'ASC']], limit: page.perPage, offset: page.offset });
  const provinces = (await Entity.findAll({
    attributes: ['provinceCode'],
    where: { provinceCode: { [Op.ne]: null } },
    group: ['provinceCode'],
    order: [['provinceCode', 'ASC']],
    raw: true,
  })).map((r) => r.provinceCode as string);
  return { entities: rows, total: count, filter, provinces };
}

export async function getEntity(viewer: Viewer, id: number) {
  const entity = await Entity.findByPk(id);
  if (!entity || (entity.membershipStatus !== 'active' && !canSeeNonMembers(viewer) && !canSeeEntityDetails(viewer, id))) {
    throw new NotFoundError(msg('entities:error.notFound'));
  }
  const rtd = await findPerson(entity.rtdUserId);
  const details = canSeeEntityDetails(viewer, id);
  return { entity, rtd, details };
}

export async function entityOptions(): Promise<Array<{ id: number; name: string }>> {
  return Entity.findAll({ attributes: ['id', 'name'], order: [['name', 'ASC']], raw: true });
}

export async function rtdCandidates(entityId: number): Promise<Array<{ id: number; name: string; email: string }>> {
  return (await usersOfBody(entityId, { activeOnly: true })).map((u) => ({ id: u.id, name: u.name, email: u.email }));
}

async function checkRtd(data: EntityInput, entityId: number | null): Promise<void> {
  if (!data.rtdUserId) return;
  const user = await findPerson(data.rtdUserId);
  if (!user || user.entityId !== entityId) throw new ValidationError({ rtdUserId: msg('entities:error.rtdNotOfBody') });
}

async function ipaTaken(ipa: string, exceptId: number | null): Promise<boolean> {
  const where: WhereOptions = { ipaCode: ipa };
  if (exceptId) Object.assign(where, { id: { [Op.ne]: exceptId } });
  return (await Entity.count({ where })) > 0;
}

export async function createEntity(platform: Platform, actor: Actor, input: unknown): Promise<Entity> {
  assertCanEditEntities(actor);
  const data = parseInput(entitySchema, input);
  if (await ipaTaken(data.ipaCode, null)) throw new ConflictError(msg('entities:error.ipaTaken'), 'ipaCode');
  await checkRtd(data, null);
  return platform.sequelize.transaction(async (transaction) => {
    const entity = await Entity.create({ ...data, rtdUserId: null }, { transaction });
    await platform.audit.record(actor, { action: 'entity.created', subjectType: 'entity', subjectId: entity.id, entityId: entity.id, details: { ipaCode: entity.ipaCode } }, transaction);
    return entity;
  });
}

export async function updateEntity(platform: Platform, actor: Actor, id: number, input: unknown): Promise<Entity> {
  assertCanEditEntities(actor);
  const entity = await Entity.findByPk(id);
  if (!entity) throw new NotFoundError(msg('entities:error.notFound'));
  const data = parseInput(entitySchema, input);
  if (await ipaTaken(data.ipaCode, id)) throw new ConflictError(msg('entities:error.ipaTaken'), 'ipaCode');
  await checkRtd(data, id);
  return platform.sequelize.transaction(async (transaction) => {
    const changed = Object.keys(data).filter((k) => String(entity.get(k as keyof Entity) ?? '') !== String(data[k as keyof EntityInput] ?? ''));
    await entity.update(data, { transaction });
    await platform.audit.record(actor, { action: 'entity.updated', subjectType: 'entity', subjectId: id, entityId: id, details: { changed } }, transaction);
    return entity;
  });
}

// ---- IndicePA CSV import ----

export const IPA_REQUIRED_COLUMNS = ['Codice_IPA', 'Denominazione_ente', 'Codice_fiscale_ente', 'Tipologia'] as const;
/** Read when the file has them. */
export const IPA_OPTIONAL_COLUMNS = ['Codice_comune_ISTAT', 'Codice_Categoria', 'Sito_istituzionale', 'Mail1', 'Sigla_provincia', 'Regione', 'Popolazione'] as const;

/** Messages (msg()), translated where the report is shown. */
export type ImportRejection = { line: number; ipaCode: string | null; reasons: Message[] };
export type ImportReport =
  | { ok: false; fileError: Message; rejections: ImportRejection[] }
  | { ok: true; created: number; updated: number; rows: number };

function decodeUtf8(buffer: Buffer): string | null {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(buffer).replace(/^\uFEFF/, '');
  } catch {
    return null;
  }
}

/**
 * Creates or updates bodies by IPA code from a CSV in the IndicePA layout. All or nothing: a file
 * with any rejected row changes nothing, and the report lists every rejected row with its line.
 */
export async function importEntitiesCsv(platform: Platform, actor: Actor, buffer: Buffer | null): Promise<ImportReport> {
  assertCanEditEntities(actor);
  const fail = (fileError: Message, rejections: ImportRejection[] = []): ImportReport => ({ ok: false, fileError, rejections });
  if (!buffer || buffer.length === 0) return fail(msg('entities:error.fileEmpty'));
  const text = decodeUtf8(buffer);
  if (text === null) return fail(msg('entities:error.fileNotUtf8'));
  if (text.includes('\u0000')) return fail(msg('entities:error.fileNotText'));
  const firstLine = text.split(/\r?\n/, 1)[0] ?? '';
  const delimiter = (firstLine.match(/;/g)?.length ?? 0) >= (firstLine.match(/,/g)?.length ?? 0) ? ';' : ',';
  let records: string[][];
  try {
    records = parse(text, { delimiter, relax_column_count: true, skip_empty_lines: true, trim: true, bom: true }) as string[][];
  } catch (err) {
    const line = (err as { lines?: number }).lines;
    return fail(line ? msg('entities:error.fileNotCsvAt', { line, detail: (err as Error).message }) : msg('entities:error.fileNotCsv', { detail: (err as Error).message }));
  }
  if (records.length === 0) return fail(msg('entities:error.fileEmpty'));
  const header = records[0];
  const missing = IPA_REQUIRED_COLUMNS.filter((c) => !header.includes(c));
  if (missing.length) return fail(msg('entities:error.missingColumns', { columns: missing.join(', ') }));
  if (records.length === 1) return fail(msg('entities:error.headerOnly'));
  const col = (row: string[], name: string) => {
    const i = header.indexOf(name);
    return i >= 0 ? (row[i] ?? '').trim() : '';
  };
  const rejections: ImportRejection[] = [];
  const seen = new Map<string, number>();
  const valid: Array<{ line: number; data: Partial<EntityInput> & { ipaCode: string; name: string; kind: EntityKind } }> = [];
  records.slice(1).forEach((row, index) => {
    const line = index + 2;
    const rawIpa = col(row, 'Codice_IPA');
    if (row.length !== header.length) {
      rejections.push({ line, ipaCode: rawIpa || null, reasons: [msg('entities:error.columnCount', { found: row.length, expected: header.length })] });
      return;
    }
    const name = col(row, 'Denominazione_ente');
    const candidate = {
      ipaCode: rawIpa,
      name,
      fiscalCode: col(row, 'Codice_fiscale_ente') || undefined,
      istatCode: (col(row, 'Codice_comune_ISTAT') || '').replace(/\D/g, '').padStart(6, '0').slice(-6) || undefined,
      kind: ipaKindFrom(name, col(row, 'Codice_Categoria')),
      provinceCode: col(row, 'Sigla_provincia') || col(row, 'Provincia') || undefined,
      region: col(row, 'Regione') || undefined,
      population: col(row, 'Popolazione') || undefined,
      membershipStatus: 'prospect',
      email: col(row, 'Mail1') || undefined,
      website: (() => {
        const site = col(row, 'Sito_istituzionale');
        return site && !/^https?:\/\//i.test(site) ? `https://${site}` : site || undefined;
      })(),
    };
    if (candidate.istatCode === '000000') candidate.istatCode = undefined;
    const parsed = entitySchema.safeParse(candidate);
    if (!parsed.success) {
      const fields = fieldErrorsOf(parsed.error);
      rejections.push({ line, ipaCode: rawIpa || null, reasons: Object.values(fields) });
      return;
    }
    const ipa = parsed.data.ipaCode;
    if (seen.has(ipa)) {
      rejections.push({ line, ipaCode: ipa, reasons: [msg('entities:error.duplicateIpa', { line: seen.get(ipa) })] });
      return;
    }
    seen.set(ipa, line);
    const { membershipStatus: _m, isLead: _l, isCedent: _c, rtdUserId: _r, joinedOn: _j, conventionExpiresOn: _e, ...fields } = parsed.data;
    // Only the columns the file has overwrite an existing body.
    const data = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== null)) as unknown as (typeof valid)[number]['data'];
    valid.push({ line, data });
  });
  if (rejections.length) return fail(msg('entities:error.rowsRejected', { count: rejections.length }), rejections);
  let created = 0;
  let updated = 0;
  await platform.sequelize.transaction(async (transaction) => {
    const existing = await Entity.findAll({ where: { ipaCode: [...seen.keys()] }, transaction });
    const byIpa = new Map(existing.map((e) => [e.ipaCode.toLowerCase(), e]));
    for (const { data } of valid) {
      const current = byIpa.get(data.ipaCode);
      if (current) {
        await current.update(data, { transaction });
        updated++;
      } else {
        await Entity.create({ membershipStatus: 'prospect', rtdUserId: null, fiscalCode: null, istatCode: null, provinceCode: null, region: null, population: null, joinedOn: null, conventionExpiresOn: null, email: null, website: null, ...data }, { transaction });
        created++;
      }
    }
    await platform.audit.record(actor, { action: 'entity.imported', subjectType: 'entity', details: { created, updated, rows: valid.length } }, transaction);
  });
  return { ok: true, created, updated, rows: valid.length };
}
