// Importing publiccode.yml: from an upload or a paste (parsed, kept, previewed, then confirmed),
// and the one upsert shared by the web, the command line and the demo data. The same repository
// url updates the existing asset instead of creating a second one.
import { Op, QueryTypes, UniqueConstraintError, type Transaction } from 'sequelize';
import { isStaff, type Actor, type Viewer } from '../../platform/actor.js';
import type { Platform } from '../../platform/context.js';
import { ConflictError, NotFoundError, ValidationError } from '../../platform/errors.js';
import { msg, type Message } from '../../platform/messages.js';
import { parseInput } from '../../platform/validation.js';
import { findBody, findBodyByIpa } from '../entities/index.js';
import { columnsFrom, suggestedPnrrMeasures, uniqueSlug, urlKey } from './assets.js';
import { Asset, PendingImport, type AssetKind, type AssetSource, type AssetStatus } from './models.js';
import { assertCanImport, canEditAsset, type ViewerBody } from './policy.js';
import { parsePubliccode, type PubliccodeAsset, type PubliccodeWarning } from './publiccode.js';
import { confirmImportSchema, importFormSchema } from './schemas.js';
import { blockersError, notifyPublished, notifySubmitted, publishBlockers, recordEvent, refreshCompleteness } from './service.js';

export const IMPORT_MAX_BYTES = 1024 * 1024;
const PENDING_TTL_HOURS = 24;

function rejectionMessage(result: { reason: Message }): Message {
  return msg('catalog:import.rejected', { reason: result.reason });
}

/** Parses an upload or a paste and keeps it for the preview; bad input is a ValidationError on its field. */
export async function createPendingImport(
  platform: Platform,
  actor: Actor,
  body: ViewerBody,
  input: unknown,
  upload: { buffer: Buffer; originalname: string } | null,
): Promise<string> {
  assertCanImport(actor, body);
  const data = parseInput(importFormSchema, input ?? {});
  const field = data.source === 'paste' ? 'content' : 'file';
  let content: string | Buffer;
  let fileName: string | null = null;
  if (data.source === 'paste') {
    if (!data.content || !data.content.trim()) throw new ValidationError({ content: msg('catalog:import.pasteMissing') });
    content = data.content;
  } else {
    if (!upload || upload.buffer.length === 0) throw new ValidationError({ file: msg(upload ? 'catalog:reject.empty' : 'catalog:import.fileMissing') });
    content = upload.buffer;
    fileName = upload.originalname.split(/[\\/]/).pop()!.slice(0, 200);
  }
  const result = parsePubliccode(content);
  if (!result.ok) throw new ValidationError({ [field]: rejectionMessage(result) }, msg('catalog:import.notImported'));
  let entityId: number | null = null;
  if (isStaff(actor)) {
    if (data.entityId !== null) {
      const entity = await findBody(data.entityId);
      if (!entity) throw new ValidationError({ entityId: msg('catalog:error.entityMissing') });
      entityId = entity.id;
    }
  } else {
    entityId = body!.id;
  }
  const text = typeof content === 'string' ? content : content.toString('utf8');
  const pending = await platform.sequelize.transaction(async (transaction) => {
    await PendingImport.destroy({ where: { createdAt: { [Op.lt]: new Date(Date.now() - PENDING_TTL_HOURS * 3600_000) } }, transaction });
    return PendingImport.create({ userId: actor.userId, entityId, source: data.source, fileName, content: text }, { transaction });
  });
  return pending.token;
}

export type ImportTarget = { entityId: number | null; entityName: string | null; entityIpa: string | null; notices: Message[] };

/** The cedent body an import goes to: the chosen one, the importer's own, or the one of the file's codice IPA. */
async function resolveTarget(viewer: Viewer, pendingEntityId: number | null, asset: PubliccodeAsset): Promise<ImportTarget> {
  const notices: Message[] = [];
  if (pendingEntityId !== null) {
    const entity = await findBody(pendingEntityId);
    if (!entity) return { entityId: null, entityName: null, entityIpa: null, notices: [msg('catalog:import.entityGone')] };
    if (asset.cedentIpaCode && asset.cedentIpaCode !== entity.ipaCode.toLowerCase()) {
      notices.push(msg('catalog:import.ipaDiffers', { fileIpa: asset.cedentIpaCode, name: entity.name, ipa: entity.ipaCode }));
    }
    return { entityId: entity.id, entityName: entity.name, entityIpa: entity.ipaCode, notices };
  }
  if (asset.cedentIpaCode) {
    const entity = await findBodyByIpa(asset.cedentIpaCode);
    if (entity) return { entityId: entity.id, entityName: entity.name, entityIpa: entity.ipaCode, notices };
    notices.push(asset.organisation.name
      ? msg('catalog:import.ipaUnknown', { ipa: asset.cedentIpaCode, name: asset.organisation.name })
      : msg('catalog:import.ipaUnknownNoName', { ipa: asset.cedentIpaCode }));
  } else if (isStaff(viewer)) {
    notices.push(msg('catalog:import.noIpa'));
  }
  return { entityId: null, entityName: null, entityIpa: null, notices };
}

async function existingByUrl(url: string, transaction?: Transaction): Promise<Asset | null> {
  const key = urlKey(url);
  return key ? Asset.findOne({ where: { urlKey: key }, transaction }) : null;
}

/** Whether the viewer may overwrite the asset that already has this repository url. */
function assertCanOverwrite(viewer: Viewer, existing: Asset | null): void {
  if (!existing || isStaff(viewer)) return;
  if (existing.entityId !== viewer?.entityId) {
    throw new ConflictError(msg('catalog:import.otherBodyRepo'));
  }
  if (!canEditAsset(viewer, existing)) {
    throw new ConflictError(msg(existing.status === 'submitted' ? 'catalog:import.repoUnderReview' : 'catalog:import.repoLocked', { name: existing.name, status: `catalog:status.${existing.status}` }));
  }
}

async function loadPending(actor: Actor, token: string): Promise<PendingImport> {
  const pending = /^[0-9a-f-]{36}$/i.test(token) ? await PendingImport.findByPk(token) : null;
  // Someone else's import, or an expired one, does not exist for this user.
  if (!pending || pending.userId !== actor.userId || pending.createdAt.getTime() < Date.now() - PENDING_TTL_HOURS * 3600_000) {
    throw new NotFoundError(msg('catalog:import.previewGone'));
  }
  return pending;
}

export type ImportPreview = Awaited<ReturnType<typeof importPreview>>;

export async function importPreview(platform: Platform, actor: Actor, body: ViewerBody, token: string) {
  assertCanImport(actor, body);
  const pending = await loadPending(actor, token);
  const result = parsePubliccode(pending.content);
  if (!result.ok) throw new NotFoundError(msg('catalog:import.previewInvalid'));
  const target = await resolveTarget(actor, pending.entityId, result.asset);
  const existing = await existingByUrl(result.asset.url);
  let conflict: Message | null = null;
  try {
    assertCanOverwrite(actor, existing);
  } catch (err) {
    if (!(err instanceof ConflictError)) throw err;
    conflict = err.message;
  }
  const complete = result.asset.complete;
  const staff = isStaff(actor);
  const actions: Array<'draft' | 'submit' | 'publish'> = conflict ? [] : staff ? (complete ? ['publish', 'draft'] : ['draft']) : ['draft', 'submit'];
  return {
    token: pending.token,
    fileName: pending.fileName,
    source: pending.source,
    asset: result.asset,
    warnings: result.warnings,
    target,
    existing: existing && (staff || existing.entityId === actor.entityId) ? { slug: existing.slug, name: existing.name, status: existing.status as AssetStatus } : null,
    conflict,
    complete,
    actions,
    pnrr: suggestedPnrrMeasures(result.asset),
  };
}

export async function discardImport(actor: Actor, token: string): Promise<void> {
  const pending = await loadPending(actor, token);
  await pending.destroy();
}

/** Saves a previewed import as a draft, sends it for review (cedent) or publishes it (staff). */
export async function confirmImport(platform: Platform, actor: Actor, body: ViewerBody, token: string, input: unknown): Promise<{ asset: Asset; created: boolean }> {
  const preview = await importPreview(platform, actor, body, token);
  const { action, kind } = parseInput(confirmImportSchema, input ?? {});
  if (preview.conflict) throw new ConflictError(preview.conflict);
  if (!preview.actions.includes(action)) {
    const reason = action === 'publish'
      ? isStaff(actor)
        ? msg('catalog:import.publishIncomplete')
        : msg('catalog:import.publishStaffOnly')
      : msg('catalog:import.actionRefused');
    throw new ValidationError({ _form: reason });
  }
  const status: AssetStatus = action === 'publish' ? 'published' : action === 'submit' ? 'submitted' : 'draft';
  const outcome = await upsertFromPubliccode(platform, actor, {
    asset: preview.asset,
    warnings: preview.warnings,
    source: preview.source,
    entityId: preview.target.entityId,
    kind,
    status: () => status,
    fileName: preview.fileName,
    onSaved: async (asset, transaction) => {
      await PendingImport.destroy({ where: { token: preview.token }, transaction });
    },
  });
  return outcome;
}

export type UpsertOptions = {
  asset: PubliccodeAsset;
  warnings: PubliccodeWarning[];
  source: AssetSource;
  entityId: number | null;
  kind?: AssetKind;
  /** The status to give, knowing the existing asset (if any) and whether the file is complete. */
  status: (existing: Asset | null, complete: boolean) => AssetStatus;
  fileName?: string | null;
  dryRun?: boolean;
  onSaved?: (asset: Asset, transaction: Transaction) => Promise<void>;
};

/** Creates or updates (by repository url) an asset from a parsed publiccode.yml, in one transaction. */
export async function upsertFromPubliccode(platform: Platform, actor: Viewer, opts: UpsertOptions): Promise<{ asset: Asset; created: boolean }> {
  const run = async (transaction: Transaction) => {
    const existing = await existingByUrl(opts.asset.url, transaction);
    if (actor) assertCanOverwrite(actor, existing);
    const entityId = opts.entityId ?? existing?.entityId ?? null;
    const ipa = (await findBody(entityId, { transaction }))?.ipaCode ?? null;
    const pc: PubliccodeAsset = { ...opts.asset, cedentIpaCode: ipa ?? opts.asset.cedentIpaCode };
    const asset = existing ?? Asset.build({
      slug: await uniqueSlug(platform.sequelize, opts.asset.name, transaction),
      kind: opts.kind ?? 'software',
      status: 'draft',
      archivedFrom: null,
      entityId,
      name: pc.name,
      url: null,
      urlKey: null,
      shortDescription: null,
      publisher: null,
      softwareVersion: null,
      releaseDate: null,
      developmentStatus: null,
      softwareType: null,
      license: null,
      publiccode: pc,
      pnrrMeasures: suggestedPnrrMeasures(pc),
      source: opts.source,
      reviewComment: null,
      createdBy: actor?.userId ?? null,
      updatedBy: actor?.userId ?? null,
      submittedBy: null,
      submittedAt: null,
      publishedAt: null,
      archivedAt: null,
    });
    const from = existing ? (existing.status as AssetStatus) : null;
    asset.set({ ...columnsFrom(pc), publiccode: pc, entityId, updatedBy: actor?.userId ?? null, source: opts.source });
    if (existing && opts.kind) asset.kind = opts.kind;
    await refreshCompleteness(asset, ipa, transaction);
    const status = opts.status(existing, asset.complete);
    if (status === 'published') {
      const blockers = publishBlockers(asset, 0);
      if (blockers.length) throw blockersError('catalog:error.notPublishable', blockers);
      asset.publishedAt ??= new Date();
    }
    if (status === 'submitted' && actor) {
      asset.submittedBy = actor.userId;
      asset.submittedAt = new Date();
    }
    if (status === 'archived') asset.archivedAt ??= new Date();
    asset.status = status;
    await asset.save({ transaction });
    // The event's comment is data (the file's name), not a sentence: it reads the same in any language.
    await recordEvent(asset, actor, existing ? 'reimported' : 'imported', from, status, opts.fileName ? `File: ${opts.fileName}` : null, transaction);
    await platform.audit.record(actor, {
      action: existing ? 'catalog.reimported' : 'catalog.imported',
      subjectType: 'catalog_asset',
      subjectId: asset.id,
      entityId: asset.entityId,
      details: { slug: asset.slug, url: asset.url, source: opts.source, file: opts.fileName ?? null, warnings: opts.warnings.length, from, to: status },
    }, transaction);
    if (actor && status === 'submitted' && from !== 'submitted') await notifySubmitted(platform, actor, asset, transaction);
    if (actor && status === 'published' && from !== 'published' && asset.entityId && asset.createdBy !== actor.userId) await notifyPublished(platform, asset, null, transaction);
    await opts.onSaved?.(asset, transaction);
    return { asset, created: !existing };
  };
  try {
    if (opts.dryRun) {
      // Everything runs and is checked, then rolled back.
      let outcome: { asset: Asset; created: boolean } | null = null;
      await platform.sequelize
        .transaction(async (transaction) => {
          outcome = await run(transaction);
          throw new DryRunRollback();
        })
        .catch((err) => {
          if (!(err instanceof DryRunRollback)) throw err;
        });
      return outcome!;
    }
    return await platform.sequelize.transaction(run);
  } catch (err) {
    if (err instanceof UniqueConstraintError) throw new ConflictError(msg('catalog:import.concurrent'));
    throw err;
  }
}

class DryRunRollback extends Error {}

/** How many assets each status has (for the command's summary). */
export async function statusCounts(platform: Platform): Promise<Record<string, number>> {
  const rows = await platform.sequelize.query<{ status: string; n: number }>(`SELECT status, count(*)::int AS n FROM catalog_assets GROUP BY status`, { type: QueryTypes.SELECT });
  return Object.fromEntries(rows.map((r) => [r.status, r.n]));
}
