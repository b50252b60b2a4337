// Assessment templates: versions of areas and questions. A published version is frozen (the
// assessments made on it keep it); a change goes into a new draft, copied from the last version.
// Templates travel as YAML or CSV (docs/coaching-template-format.md).
import { parse as parseCsv } from 'csv-parse/sync';
import type { Transaction } from 'sequelize';
import YAML, { LineCounter } from 'yaml';
import type { Actor, Viewer } from '../../platform/actor.js';
import type { Platform } from '../../platform/context.js';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../platform/errors.js';
import { msg, type Message } from '../../platform/messages.js';
import { parseInput } from '../../platform/validation.js';
import { referenceLabel, referenceText, type RefKind } from './core.js';
import { canManageTemplates } from './policy.js';
import { areaFormSchema, questionFormSchema, templateFileSchema, type TemplateFile } from './schemas.js';
import { exec, one, rows } from './sql.js';

export type AreaView = { id: number; code: string; title: string; position: number };
export type QuestionView = {
  id: number;
  areaId: number;
  code: string;
  text: string;
  guidance: string | null;
  refKind: RefKind | null;
  refCode: string | null;
  refLabel: Message | null;
  weight: number;
  position: number;
};
export type VersionView = {
  id: number;
  templateId: number;
  title: string;
  version: number;
  status: 'draft' | 'published';
  description: string | null;
  publishedAt: Date | null;
  areas: AreaView[];
  questions: QuestionView[];
  assessments: number;
};

function assertStaff(viewer: Viewer): void {
  if (!canManageTemplates(viewer)) throw new ForbiddenError('coaching:error.staffOnly', 'coaching.templates');
}

export async function listTemplates(platform: Platform, viewer: Viewer) {
  assertStaff(viewer);
  return rows<{ id: number; title: string; published: number | null; published_id: number | null; draft_id: number | null; draft: number | null; questions: number; assessments: number }>(
    platform,
    `SELECT t.id, t.title,
            p.version AS published, p.id AS published_id, d.id AS draft_id, d.version AS draft,
            (SELECT count(*)::int FROM coaching_questions q WHERE q.version_id = COALESCE(p.id, d.id)) AS questions,
            (SELECT count(*)::int FROM coaching_assessments a JOIN coaching_template_versions v ON v.id = a.version_id WHERE v.template_id = t.id) AS assessments
       FROM coaching_templates t
       LEFT JOIN LATERAL (SELECT id, version FROM coaching_template_versions WHERE template_id = t.id AND status = 'published' ORDER BY version DESC LIMIT 1) p ON true
       LEFT JOIN LATERAL (SELECT id, version FROM coaching_template_versions WHERE template_id = t.id AND status = 'draft' LIMIT 1) d ON true
      ORDER BY t.title, t.id`,
  );
}

/** The published templates an assessment may start on (their last published version). */
export async function publishedVersions(platform: Platform) {
  return rows<{ id: number; title: string; version: number }>(
    platform,
    `SELECT DISTINCT ON (t.id) v.id, t.title, v.version FROM coaching_templates t JOIN coaching_template_versions v ON v.template_id = t.id AND v.status = 'published'
      ORDER BY t.id, v.version DESC`,
  );
}

export async function loadVersion(platform: Platform, versionId: number, transaction?: Transaction): Promise<VersionView> {
  const v = await one<{ id: number; template_id: number; title: string; version: number; status: 'draft' | 'published'; description: string | null; published_at: Date | null; assessments: number }>(
    platform,
    `SELECT v.id, v.template_id, t.title, v.version, v.status, v.description, v.published_at,
            (SELECT count(*)::int FROM coaching_assessments a WHERE a.version_id = v.id) AS assessments
       FROM coaching_template_versions v JOIN coaching_templates t ON t.id = v.template_id WHERE v.id = :versionId`,
    { versionId },
    transaction,
  );
  if (!v) throw new NotFoundError('coaching:error.notFound');
  const areas = await rows<AreaView>(platform, `SELECT id, code, title, position FROM coaching_areas WHERE version_id = :versionId ORDER BY position, id`, { versionId }, transaction);
  const questions = (
    await rows<{ id: number; area_id: number; code: string; text: string; guidance: string | null; ref_kind: RefKind | null; ref_code: string | null; weight: string; position: number }>(
      platform,
      `SELECT q.id, q.area_id, q.code, q.text, q.guidance, q.ref_kind, q.ref_code, q.weight, q.position
         FROM coaching_questions q JOIN coaching_areas a ON a.id = q.area_id WHERE q.version_id = :versionId ORDER BY a.position, a.id, q.position, q.id`,
      { versionId },
      transaction,
    )
  ).map((q) => ({
    id: q.id,
    areaId: q.area_id,
    code: q.code,
    text: q.text,
    guidance: q.guidance,
    refKind: q.ref_kind,
    refCode: q.ref_code,
    refLabel: referenceLabel(q.ref_kind, q.ref_code),
    weight: Number(q.weight),
    position: q.position,
  }));
  return { id: v.id, templateId: v.template_id, title: v.title, version: v.version, status: v.status, description: v.description, publishedAt: v.published_at, areas, questions, assessments: v.assessments };
}

export async function versionPage(platform: Platform, viewer: Viewer, versionId: number) {
  assertStaff(viewer);
  const version = await loadVersion(platform, versionId);
  const others = await rows<{ id: number; version: number; status: string; published_at: Date | null }>(
    platform,
    `SELECT id, version, status, published_at FROM coaching_template_versions WHERE template_id = :t ORDER BY version DESC`,
    { t: version.templateId },
  );
  return { version, versions: others };
}

async function insertContent(platform: Platform, versionId: number, file: TemplateFile, transaction: Transaction): Promise<void> {
  for (const [ai, area] of file.areas.entries()) {
    const a = await one<{ id: number }>(platform, `INSERT INTO coaching_areas (version_id, position, code, title) VALUES (:versionId, :p, :code, :title) RETURNING id`, { versionId, p: ai + 1, code: area.code, title: area.title }, transaction);
    for (const [qi, q] of area.questions.entries()) {
      await exec(
        platform,
        `INSERT INTO coaching_questions (version_id, area_id, position, code, text, guidance, ref_kind, ref_code, weight)
         VALUES (:versionId, :areaId, :p, :code, :text, :guidance, :refKind, :refCode, :weight)`,
        { versionId, areaId: a!.id, p: qi + 1, code: q.code, text: q.text, guidance: q.guidance ?? null, refKind: q.reference?.kind ?? null, refCode: q.reference?.code ?? null, weight: q.weight },
        transaction,
      );
    }
  }
}

/** Where a part of a template file is, for the messages: its line (when known) and its name (a CSV column, or the YAML path). */
type Locate = (path: ReadonlyArray<PropertyKey>) => { line: number | null; field: string };

function fileError(where: { line: number | null; field: string }, message: Message | string): ValidationError {
  return new ValidationError({ file: where.line ? msg('coaching:validation.fileLine', { line: where.line, field: where.field, message }) : msg('coaching:validation.fileAt', { path: where.field, message }) });
}

function assertUniqueCodes(file: TemplateFile, locate: Locate): void {
  const seen = new Set<string>();
  for (const [ai, area] of file.areas.entries()) {
    if (seen.has(`A:${area.code}`)) throw fileError(locate(['areas', ai, 'code']), msg('coaching:validation.duplicateCode', { code: area.code, where: area.title }));
    seen.add(`A:${area.code}`);
    for (const [qi, q] of area.questions.entries()) {
      if (seen.has(`Q:${q.code}`)) throw fileError(locate(['areas', ai, 'questions', qi, 'code']), msg('coaching:validation.duplicateCode', { code: q.code, where: area.code }));
      seen.add(`Q:${q.code}`);
    }
  }
}

/**
 * Parses a template file (YAML, or CSV in the documented columns); each problem names its line and
 * where it is. Nothing is saved here: a file with one problem is refused whole.
 */
export function parseTemplateText(text: string, format: 'yaml' | 'csv'): TemplateFile {
  const { data, locate } = format === 'yaml' ? readYaml(text) : csvToTemplate(text);
  const result = templateFileSchema.safeParse(data);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw fileError(locate(issue.path), issue.message);
  }
  assertUniqueCodes(result.data, locate);
  return result.data;
}

/** A file's bytes as text: UTF-8 only (a byte-order mark is dropped); anything else is refused with a message. */
export function templateFileText(buffer: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(buffer).replace(/^\uFEFF/, '');
  } catch {
    throw new ValidationError({ file: msg('coaching:validation.notUtf8') });
  }
}

function readYaml(text: string): { data: unknown; locate: Locate } {
  const lineCounter = new LineCounter();
  const doc = YAML.parseDocument(text, { lineCounter, prettyErrors: false });
  if (doc.errors.length) {
    const err = doc.errors[0];
    const line = err.linePos?.[0]?.line ?? lineCounter.linePos(err.pos[0]).line;
    throw new ValidationError({ file: msg('coaching:validation.yaml', { line }) });
  }
  const locate: Locate = (path) => {
    const keys = path.map((k) => (typeof k === 'symbol' ? String(k) : k)) as Array<string | number>;
    // The nearest node that exists on the path (a missing field is reported at its parent).
    for (let n = keys.length; n >= 0; n--) {
      const node = n ? (doc.getIn(keys.slice(0, n), true) as { range?: [number, number, number] } | undefined) : (doc.contents as { range?: [number, number, number] } | null);
      if (node && typeof node === 'object' && node.range) return { line: lineCounter.linePos(node.range[0]).line, field: keys.join('.') || '—' };
    }
    return { line: null, field: keys.join('.') || '—' };
  };
  return { data: doc.toJS(), locate };
}

export const CSV_COLUMNS = ['modello', 'area_codice', 'area_titolo', 'codice', 'domanda', 'guida', 'riferimento', 'peso'] as const;

const CSV_FIELD: Readonly<Record<string, string>> = { code: 'codice', text: 'domanda', guidance: 'guida', reference: 'riferimento', weight: 'peso' };

function csvToTemplate(text: string): { data: unknown; locate: Locate } {
  let records: Array<{ record: Record<string, string>; info: { lines: number } }>;
  const clean = text.replace(/^\uFEFF/, '');
  const head = clean.split('\n')[0];
  const delimiter = (head.match(/;/g)?.length ?? 0) >= (head.match(/,/g)?.length ?? 0) ? ';' : ',';
  const header = head.split(delimiter).map((c) => c.trim().replace(/^"|"$/g, ''));
  const missing = CSV_COLUMNS.filter((c) => c !== 'guida' && !header.includes(c));
  if (missing.length) throw new ValidationError({ file: msg('coaching:validation.csvColumns', { columns: missing.join(', '), delimiter }) });
  try {
    records = parseCsv(clean, { columns: true, skip_empty_lines: true, delimiter, trim: true, info: true }) as typeof records;
  } catch (err) {
    const e = err as { code?: string; lines?: number; record?: unknown[] };
    const why =
      e.code === 'CSV_RECORD_INCONSISTENT_FIELDS_LENGTH' || e.code === 'CSV_RECORD_INCONSISTENT_COLUMNS'
        ? msg('coaching:validation.csvFields', { count: e.record?.length ?? 0, expected: clean.split('\n')[0].split(delimiter).length, delimiter })
        : e.code === 'CSV_QUOTE_NOT_CLOSED'
          ? msg('coaching:validation.csvQuote')
          : msg('coaching:validation.csvMalformed');
    throw new ValidationError({ file: msg('coaching:validation.csv', { line: e.lines ?? '—', message: why }) });
  }
  if (!records.length) throw new ValidationError({ file: msg('coaching:validation.areas') });
  const areas: Array<{ code: string; title: string; line: number; questions: Array<Record<string, string>>; lines: number[] }> = [];
  for (const { record: r, info } of records) {
    const code = (r.area_codice ?? '').toUpperCase();
    let area = areas.find((a) => a.code === code);
    if (!area) areas.push((area = { code, title: r.area_titolo ?? '', line: info.lines, questions: [], lines: [] }));
    area.questions.push({ code: r.codice, text: r.domanda, guidance: r.guida ?? '', reference: r.riferimento, weight: r.peso });
    area.lines.push(info.lines);
  }
  const locate: Locate = (path) => {
    const [, ai, , qi, field] = path as Array<string | number>;
    if (path[0] !== 'areas') return { line: records[0].info.lines, field: path[0] === 'title' ? 'modello' : String(path[0] ?? '—') };
    const area = areas[Number(ai)];
    if (path.length <= 3) return { line: area?.line ?? null, field: path[2] === 'title' ? 'area_titolo' : 'area_codice' };
    return { line: area?.lines[Number(qi)] ?? null, field: CSV_FIELD[String(field)] ?? String(field ?? '—') };
  };
  return { data: { title: records[0].record.modello, description: '', areas: areas.map(({ code, title, questions }) => ({ code, title, questions })) }, locate };
}

/** A new template, its version 1 published at once when asked (the demo data, an import). */
export async function importTemplate(platform: Platform, actor: Actor | null, file: TemplateFile, { publish }: { publish: boolean }): Promise<{ templateId: number; versionId: number }> {
  if (actor) assertStaff(actor);
  return platform.sequelize.transaction(async (transaction) => {
    const t = await one<{ id: number }>(platform, `INSERT INTO coaching_templates (title, created_by) VALUES (:title, :by) RETURNING id`, { title: file.title, by: actor?.userId ?? null }, transaction);
    const v = await one<{ id: number }>(
      platform,
      `INSERT INTO coaching_template_versions (template_id, version, status, description, published_at, published_by, created_by)
       VALUES (:t, 1, :status, :description, ${publish ? 'now()' : 'NULL'}, :by, :by) RETURNING id`,
      { t: t!.id, status: publish ? 'published' : 'draft', description: file.description ?? null, by: actor?.userId ?? null },
      transaction,
    );
    await insertContent(platform, v!.id, file, transaction);
    await platform.audit.record(actor, { action: 'coaching.template.import', subjectType: 'coaching_template', subjectId: t!.id, details: { versionId: v!.id, publish } }, transaction);
    return { templateId: t!.id, versionId: v!.id };
  });
}

/** The template as the file format (YAML shape, ready for YAML.stringify). */
export function toTemplateFile(v: VersionView): TemplateFile {
  return {
    title: v.title,
    description: v.description,
    areas: v.areas.map((a) => ({
      code: a.code,
      title: a.title,
      questions: v.questions
        .filter((q) => q.areaId === a.id)
        .map((q) => ({ code: q.code, text: q.text, guidance: q.guidance, reference: q.refKind ? { kind: q.refKind, code: q.refCode! } : null, weight: q.weight })),
    })),
  };
}

export function templateYaml(v: VersionView): string {
  const f = toTemplateFile(v);
  return YAML.stringify({
    title: f.title,
    description: f.description ?? '',
    areas: f.areas.map((a) => ({ ...a, questions: a.questions.map((q) => ({ code: q.code, text: q.text, guidance: q.guidance ?? '', reference: referenceText(q.reference), weight: q.weight })) })),
  });
}

export function templateCsvRows(v: VersionView): string[][] {
  const f = toTemplateFile(v);
  return f.areas.flatMap((a) => a.questions.map((q) => [f.title, a.code, a.title, q.code, q.text, q.guidance ?? '', referenceText(q.reference), String(q.weight).replace('.', ',')]));
}

export async function exportableVersion(platform: Platform, viewer: Viewer, versionId: number): Promise<VersionView> {
  assertStaff(viewer);
  return loadVersion(platform, versionId);
}

/** A new draft from the template's last version (published or not); the existing draft if there is one. */
export async function newDraft(platform: Platform, actor: Actor, templateId: number): Promise<number> {
  assertStaff(actor);
  return platform.sequelize.transaction(async (transaction) => {
    const tpl = await one<{ id: number }>(platform, `SELECT id FROM coaching_templates WHERE id = :templateId FOR UPDATE`, { templateId }, transaction);
    if (!tpl) throw new NotFoundError('coaching:error.notFound');
    const draft = await one<{ id: number }>(platform, `SELECT id FROM coaching_template_versions WHERE template_id = :templateId AND status = 'draft'`, { templateId }, transaction);
    if (draft) return draft.id;
    const last = await one<{ id: number; version: number }>(platform, `SELECT id, version FROM coaching_template_versions WHERE template_id = :templateId ORDER BY version DESC LIMIT 1`, { templateId }, transaction);
    const source = await loadVersion(platform, last!.id, transaction);
    const v = await one<{ id: number }>(
      platform,
      `INSERT INTO coaching_template_versions (template_id, version, status, description, created_by) VALUES (:templateId, :n, 'draft', :d, :by) RETURNING id`,
      { templateId, n: last!.version + 1, d: source.description, by: actor.userId },
      transaction,
    );
    await insertContent(platform, v!.id, toTemplateFile(source), transaction);
    await platform.audit.record(actor, { action: 'coaching.template.draft', subjectType: 'coaching_template', subjectId: templateId, details: { versionId: v!.id, from: last!.id } }, transaction);
    return v!.id;
  });
}

async function lockDraft(platform: Platform, versionId: number, transaction: Transaction): Promise<void> {
  const v = await one<{ status: string }>(platform, `SELECT status FROM coaching_template_versions WHERE id = :versionId FOR UPDATE`, { versionId }, transaction);
  if (!v) throw new NotFoundError('coaching:error.notFound');
  if (v.status !== 'draft') throw new ConflictError('coaching:error.frozen');
}

export async function publishVersion(platform: Platform, actor: Actor, versionId: number): Promise<void> {
  assertStaff(actor);
  await platform.sequelize.transaction(async (transaction) => {
    await lockDraft(platform, versionId, transaction);
    const n = await one<{ n: number }>(platform, `SELECT count(*)::int AS n FROM coaching_questions WHERE version_id = :versionId`, { versionId }, transaction);
    if (!n!.n) throw new ConflictError('coaching:error.emptyVersion');
    await exec(platform, `UPDATE coaching_template_versions SET status = 'published', published_at = now(), published_by = :by WHERE id = :versionId`, { versionId, by: actor.userId }, transaction);
    await platform.audit.record(actor, { action: 'coaching.template.publish', subjectType: 'coaching_template_version', subjectId: versionId }, transaction);
  });
}

export async function addArea(platform: Platform, actor: Actor, versionId: number, input: unknown): Promise<void> {
  assertStaff(actor);
  const data = parseInput(areaFormSchema, input);
  await platform.sequelize.transaction(async (transaction) => {
    await lockDraft(platform, versionId, transaction);
    if (await one(platform, `SELECT 1 FROM coaching_areas WHERE version_id = :versionId AND code = :code`, { versionId, code: data.code }, transaction)) throw new ValidationError({ code: msg('coaching:validation.codeTaken', { code: data.code }) });
    await exec(
      platform,
      `INSERT INTO coaching_areas (version_id, position, code, title) SELECT :versionId, COALESCE(max(position), 0) + 1, :code, :title FROM coaching_areas WHERE version_id = :versionId`,
      { versionId, ...data },
      transaction,
    );
    await platform.audit.record(actor, { action: 'coaching.template.area', subjectType: 'coaching_template_version', subjectId: versionId, details: { code: data.code } }, transaction);
  });
}

/** Adds a question (questionId null) or changes one, in a draft only. */
export async function saveQuestion(platform: Platform, actor: Actor, versionId: number, questionId: number | null, input: unknown): Promise<void> {
  assertStaff(actor);
  const data = parseInput(questionFormSchema, input);
  await platform.sequelize.transaction(async (transaction) => {
    await lockDraft(platform, versionId, transaction);
    if (!(await one(platform, `SELECT 1 FROM coaching_areas WHERE id = :areaId AND version_id = :versionId`, { areaId: data.areaId, versionId }, transaction))) throw new ValidationError({ areaId: msg('coaching:validation.area') });
    const clash = await one(platform, `SELECT 1 FROM coaching_questions WHERE version_id = :versionId AND code = :code AND id <> :id`, { versionId, code: data.code, id: questionId ?? -1 }, transaction);
    if (clash) throw new ValidationError({ code: msg('coaching:validation.codeTaken', { code: data.code }) });
    const values = { versionId, areaId: data.areaId, code: data.code, text: data.text, guidance: data.guidance, refKind: data.reference?.kind ?? null, refCode: data.reference?.code ?? null, weight: data.weight };
    if (questionId === null) {
      await exec(
        platform,
        `INSERT INTO coaching_questions (version_id, area_id, position, code, text, guidance, ref_kind, ref_code, weight)
         SELECT :versionId, :areaId, COALESCE(max(position), 0) + 1, :code, :text, :guidance, :refKind, :refCode, :weight FROM coaching_questions WHERE area_id = :areaId`,
        values,
        transaction,
      );
    } else {
      const [, n] = (await platform.sequelize.query(
        `UPDATE coaching_questions SET area_id = :areaId, code = :code, text = :text, guidance = :guidance, ref_kind = :refKind, ref_code = :refCode, weight = :weight
          WHERE id = :questionId AND version_id = :versionId`,
        { replacements: { ...values, questionId }, transaction },
      )) as [unknown, { rowCount?: number }];
      if (!n?.rowCount) throw new NotFoundError('coaching:error.notFound');
    }
    await platform.audit.record(actor, { action: 'coaching.template.question', subjectType: 'coaching_template_version', subjectId: versionId, details: { code: data.code, questionId } }, transaction);
  });
}

export async function deleteQuestion(platform: Platform, actor: Actor, versionId: number, questionId: number): Promise<void> {
  assertStaff(actor);
  await platform.sequelize.transaction(async (transaction) => {
    await lockDraft(platform, versionId, transaction);
    await exec(platform, `DELETE FROM coaching_questions WHERE id = :questionId AND version_id = :versionId`, { questionId, versionId }, transaction);
    await platform.audit.record(actor, { action: 'coaching.template.questionDelete', subjectType: 'coaching_template_version', subjectId: versionId, details: { questionId } }, transaction);
  });
}
