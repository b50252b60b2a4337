// The catalogue's rules: reading an asset, editing it, the cedent → staff workflow with its
// emails and audit, and the asset's files. No req/res here; typed errors only.
import { QueryTypes, UniqueConstraintError, type Transaction } from 'sequelize';
import { isStaff, type Actor, type Viewer } from '../../platform/actor.js';
import type { Platform } from '../../platform/context.js';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../platform/errors.js';
import type { FileSource } from '../../platform/files.js';
import { pickLanguage } from '../../platform/i18n.js';
import { msg, type Message } from '../../platform/messages.js';
import { parseInput } from '../../platform/validation.js';
import { activeStaff, findPeople, findPerson } from '../accounts/index.js';
import { bodyNames, bodyOptions, findBody } from '../entities/index.js';
import { columnsFrom, currentWarnings, emptyDescription, emptyPubliccode, preferredLanguage, uniqueSlug } from './assets.js';
import { Adoption, Asset, AssetEvent, AssetFile, type AssetStatus, type FileRole } from './models.js';
import {
  assertCanEditAsset,
  assertCanSeeAsset,
  assertStaff,
  canDelete,
  canEditAsset,
  canReview,
  canSeeAdoptionNote,
  canSeeWarnings,
  canSubmit,
  type ViewerBody,
} from './policy.js';
import type { PubliccodeAsset, PubliccodeWarning } from './publiccode.js';
import { assetFormSchema, fileFormSchema, optionalCommentSchema, reviewSchema, type AssetFormInput } from './schemas.js';
import { PLATFORMS } from './vocabulary.js';

export async function viewerBody(viewer: Viewer): Promise<ViewerBody> {
  if (!viewer?.entityId || isStaff(viewer)) return null;
  const e = await findBody(viewer.entityId);
  return e ? { id: e.id, isCedent: e.isCedent } : null;
}

/** For other areas (the desk): a published asset by slug, or null. */
export async function findPublishedAssetBySlug(slug: string): Promise<{ id: number; slug: string; name: string } | null> {
  if (typeof slug !== 'string' || !/^[a-z0-9-]{1,90}$/.test(slug)) return null;
  const asset = await Asset.findOne({ where: { slug, status: 'published' }, attributes: ['id', 'slug', 'name'] });
  return asset ? { id: asset.id, slug: asset.slug, name: asset.name } : null;
}

/** For other areas' demo data: the first published asset of that exact name, or null. */
export async function findPublishedAssetByName(name: string): Promise<{ id: number; slug: string; name: string } | null> {
  const asset = await Asset.findOne({ where: { name, status: 'published' }, attributes: ['id', 'slug', 'name'], order: [['id', 'ASC']] });
  return asset ? { id: asset.id, slug: asset.slug, name: asset.name } : null;
}

export async function loadAsset(viewer: Viewer, slug: string): Promise<Asset> {
  const asset = typeof slug === 'string' && /^[a-z0-9-]{1,90}$/.test(slug) ? await Asset.findOne({ where: { slug } }) : null;
  assertCanSeeAsset(viewer, asset);
  return asset as Asset;
}

// ---- The detail page ----

export type AssetPage = Awaited<ReturnType<typeof assetPage>>;

/** Everything the asset page shows, in a bounded number of statements (the asset, then the rest in one). */
export const ADOPTERS_SHOWN = 30;

type AdoptionRow = { entity_id: number; entity_name: string; ipa_code: string; status: Adoption['status']; since: string; note: string | null; n: number };
type FileRow = { id: number; file_id: string; role: FileRole; title: string; size: number; mime: string; original_name: string };
type RelatedRow = { slug: string; name: string; kind: string; short_description: string | null; in_use_count: number };

/**
 * The adoptions, the files and the related assets of one asset as one statement (JSON per part): each
 * statement costs the web process about as much as the work it asks for on a page this small. Not a
 * prepared (`hot`) one: PostgreSQL's generic plan for it, chosen after five runs, cost 1.6 ms more per
 * page than planning it for each asset's values (bench profile asset).
 * Adoptions: the bodies of each status (the first ones by name, unless all are asked for), with the
 * count of each status and always the viewer's own body. Related: up to four published assets among
 * the 50 most adopted that share a category (else a scope, else the cedent), those sharing the most
 * categories first. $1 the asset, $2 adopters per status, $3 the viewer's body; $4 and $5 what the
 * related assets are chosen by (`relatedBy`).
 */
type RelatedBy = 'categories' | 'scopes' | 'entity' | 'none';

const ASSET_PAGE_PARTS = Object.fromEntries(
  (['categories', 'scopes', 'entity', 'none'] as const).map((by) => {
    const related =
      by === 'none'
        ? `'[]'::json`
        : `(SELECT coalesce(json_agg(r ORDER BY r.shared DESC, r.in_use_count DESC, lower(r.name)), '[]') FROM (
            SELECT slug, name, kind, short_description, in_use_count,
                   (SELECT count(*) FROM unnest(categories) c WHERE c = ANY($5::text[])) AS shared
              FROM (SELECT slug, name, kind, short_description, in_use_count, categories FROM catalog_assets
                     WHERE status = 'published' AND id <> $1 AND ${by === 'entity' ? 'entity_id = $4' : `${by} && $4::text[]`}
                     ORDER BY in_use_count DESC, adoption_count DESC, lower(name) LIMIT 50) candidates
             ORDER BY shared DESC, in_use_count DESC, lower(name) LIMIT 4) r)`;
    return [
      by,
      `SELECT
        (SELECT coalesce(json_agg(x ORDER BY CASE x.status WHEN 'in_use' THEN 0 WHEN 'evaluating' THEN 1 WHEN 'interested' THEN 2 ELSE 3 END, x.entity_name), '[]') FROM (
            SELECT d.entity_id, e.name AS entity_name, e.ipa_code, d.status, to_char(d.since, 'YYYY-MM-DD') AS since, d.note,
                   row_number() OVER (PARTITION BY d.status ORDER BY e.name, e.id) AS rn, count(*) OVER (PARTITION BY d.status)::int AS n
              FROM catalog_adoptions d JOIN entities e ON e.id = d.entity_id
             WHERE d.asset_id = $1
          ) x WHERE x.rn <= $2 OR x.entity_id = $3) AS adoptions,
        (SELECT coalesce(json_agg(f ORDER BY f.role, f.position, f.id), '[]') FROM (
            SELECT f.id, f.file_id, f.role, f.position, f.title, s.size, s.mime, s.original_name
              FROM catalog_asset_files f JOIN stored_files s ON s.id = f.file_id
             WHERE f.asset_id = $1
          ) f) AS files,
        ${related} AS related`,
    ];
  }),
) as Record<RelatedBy, string>;

/** What the related assets are chosen by, and its parameters ($4, $5): a statement names exactly the parameters it is given. */
function relatedBy(asset: Asset): { by: RelatedBy; params: unknown[] } {
  if (asset.categories.length) return { by: 'categories', params: [asset.categories, asset.categories] };
  if (asset.scopes.length) return { by: 'scopes', params: [asset.scopes, asset.categories] };
  if (asset.entityId) return { by: 'entity', params: [asset.entityId, asset.categories] };
  return { by: 'none', params: [] };
}

async function assetPageParts(platform: Platform, viewer: Viewer, asset: Asset, perStatus: number) {
  const { by, params } = relatedBy(asset);
  const [row] = await platform.sequelize.query<{ adoptions: AdoptionRow[]; files: FileRow[]; related: RelatedRow[] }>(ASSET_PAGE_PARTS[by], {
    bind: [asset.id, perStatus, viewer?.entityId ?? -1, ...params],
    type: QueryTypes.SELECT,
  });
  return row;
}

export async function assetPage(platform: Platform, viewer: Viewer, slug: string, opts: { allAdopters?: boolean } = {}) {
  const asset = await loadAsset(viewer, slug);
  const [body, { adoptions, files, related }] = await Promise.all([findBody(asset.entityId), assetPageParts(platform, viewer, asset, opts.allAdopters ? 5000 : ADOPTERS_SHOWN)]);
  const entity = body ? { id: body.id, name: body.name, ipaCode: body.ipaCode, website: body.website } : null;
  const manager = canSeeWarnings(viewer, asset);
  const events = manager
    ? await platform.sequelize.query<{ action: string; from_status: string | null; to_status: string | null; comment: string | null; at: Date; actor_name: string | null }>(
        `SELECT ev.action, ev.from_status, ev.to_status, ev.comment, ev.at, u.name AS actor_name
           FROM catalog_asset_events ev LEFT JOIN users u ON u.id = ev.actor_user_id
          WHERE ev.asset_id = :id ORDER BY ev.at DESC, ev.id DESC LIMIT 50`,
        { replacements: { id: asset.id }, type: QueryTypes.SELECT },
      )
    : [];
  const own = viewer?.entityId ? adoptions.find((a) => a.entity_id === viewer.entityId) ?? null : null;
  const counts = Object.fromEntries(adoptions.map((a) => [a.status, a.n])) as Partial<Record<Adoption['status'], number>>;
  return {
    asset,
    pc: asset.publiccode,
    entity,
    adoptions: adoptions.map((a) => ({ ...a, note: canSeeAdoptionNote(viewer, a.entity_id) ? a.note : null })),
    adoptionCounts: { in_use: counts.in_use ?? 0, evaluating: counts.evaluating ?? 0, interested: counts.interested ?? 0, dismissed: counts.dismissed ?? 0 },
    allAdopters: !!opts.allAdopters,
    ownAdoption: own,
    attachments: files.filter((f) => f.role === 'attachment'),
    screenshots: files.filter((f) => f.role === 'screenshot'),
    logo: files.find((f) => f.role === 'logo') ?? null,
    related,
    events,
    manager,
    permissions: {
      edit: canEditAsset(viewer, asset),
      submit: canSubmit(viewer, asset),
      review: canReview(viewer) && asset.status === 'submitted',
      publish: canReview(viewer) && ['draft', 'submitted', 'returned'].includes(asset.status),
      archive: canReview(viewer) && asset.status !== 'archived',
      restore: canReview(viewer) && asset.status === 'archived',
      remove: canDelete(viewer, asset),
      files: canEditAsset(viewer, asset),
    },
    blockers: publishBlockers(asset, files.filter((f) => f.role === 'attachment').length),
  };
}

type BlockerInput = Pick<Asset, 'kind' | 'complete' | 'warnings' | 'publiccode' | 'url' | 'license'>;

/** What a document, toolkit or service needs before it can be published (software: a complete publiccode.yml). */
function contentBlockers(asset: BlockerInput, attachments: number): Message[] {
  const lang = preferredLanguage(asset.publiccode.descriptions);
  const d = lang ? asset.publiccode.descriptions[lang] : null;
  const out: Message[] = [];
  if (!d?.shortDescription) out.push(msg('catalog:blocker.shortDescription'));
  if (!d?.longDescription) out.push(msg('catalog:blocker.longDescription'));
  if (!asset.url && !asset.publiccode.landingURL && attachments === 0) out.push(msg('catalog:blocker.location'));
  if (!asset.license) out.push(msg('catalog:blocker.license'));
  return out;
}

/** What stops an asset from being published, as Messages; empty when it can be published. */
export function publishBlockers(asset: BlockerInput, attachments: number): Message[] {
  if (asset.kind !== 'software') return contentBlockers(asset, attachments);
  if (asset.complete) return [];
  return [msg('catalog:blocker.publiccode', { count: asset.warnings.length })];
}

/** The refusal to publish: the first blocker introduced by `lead` ("Non si può ancora pubblicare: …"), then the others. */
export function blockersError(lead: string, blockers: Message[]): ValidationError {
  const fields = Object.fromEntries(blockers.map((b, i) => (i === 0 ? ['_form', msg(lead, { reason: b })] : [`_form${i}`, b])));
  return new ValidationError(fields, msg('catalog:error.incomplete'));
}

async function attachmentCount(assetId: number, transaction?: Transaction): Promise<number> {
  return AssetFile.count({ where: { assetId, role: 'attachment' }, transaction });
}

/** Recomputes the stored problems and completeness of an asset from what it is now. */
export async function refreshCompleteness(asset: Asset, cedentIpa: string | null, transaction?: Transaction): Promise<void> {
  if (asset.kind === 'software') {
    const { warnings, complete } = currentWarnings(asset.publiccode, cedentIpa);
    asset.warnings = warnings.map((w) => ({ path: w.path, line: null, message: w.message }));
    asset.complete = complete;
  } else {
    const blockers = contentBlockers(asset, asset.id ? await attachmentCount(asset.id, transaction) : 0);
    asset.warnings = blockers.map((message): PubliccodeWarning => ({ path: '', line: null, message }));
    asset.complete = blockers.length === 0;
  }
}

export async function entityIpa(entityId: number | null, transaction?: Transaction): Promise<string | null> {
  if (!entityId) return null;
  return (await findBody(entityId, { transaction }))?.ipaCode ?? null;
}

export async function recordEvent(asset: Asset, actor: Viewer, action: string, from: AssetStatus | null, to: AssetStatus | null, comment: string | null, transaction: Transaction): Promise<void> {
  await AssetEvent.create({ assetId: asset.id, action, fromStatus: from, toStatus: to, comment, actorUserId: actor?.userId ?? null }, { transaction });
}

// ---- The form ----

export function formValuesFrom(asset: Asset | null): Record<string, unknown> {
  if (!asset) return { kind: 'software', availableLanguages: 'it', lang: 'it', localisationReady: '' };
  const pc = asset.publiccode;
  const lang = preferredLanguage(pc.descriptions) ?? 'it';
  const d = pc.descriptions[lang] ?? emptyDescription();
  return {
    kind: asset.kind,
    documentType: asset.documentType ?? '',
    name: asset.name,
    url: pc.url,
    landingURL: pc.landingURL ?? '',
    entityId: asset.entityId ? String(asset.entityId) : '',
    softwareVersion: pc.softwareVersion ?? '',
    releaseDate: pc.releaseDate ?? '',
    developmentStatus: pc.developmentStatus ?? '',
    softwareType: pc.softwareType ?? '',
    platforms: pc.platforms.filter((p) => (PLATFORMS as readonly string[]).includes(p)),
    otherPlatforms: pc.platforms.filter((p) => !(PLATFORMS as readonly string[]).includes(p)).join(', '),
    categories: pc.categories,
    scopes: pc.intendedAudience.scope,
    lang,
    shortDescription: d.shortDescription ?? '',
    longDescription: d.longDescription ?? '',
    features: d.features.join('\n'),
    documentation: d.documentation ?? '',
    license: pc.legal.license ?? '',
    mainCopyrightOwner: pc.legal.mainCopyrightOwner ?? '',
    maintenanceType: pc.maintenance.type ?? '',
    contractors: pc.maintenance.contractors.map((c) => [c.name, c.until ?? '', c.email ?? '', c.website ?? ''].join('; ').replace(/(; )+$/, '')).join('\n'),
    contacts: pc.maintenance.contacts.map((c) => [c.name, c.email ?? '', c.phone ?? '', c.affiliation ?? ''].join('; ').replace(/(; )+$/, '')).join('\n'),
    italianPlatforms: Object.entries(pc.italianPlatforms).filter(([, v]) => v).map(([k]) => k),
    availableLanguages: pc.localisation.availableLanguages.join(', '),
    localisationReady: pc.localisation.localisationReady ? 'on' : '',
    pnrrMeasures: asset.pnrrMeasures,
    tags: asset.tags.join(', '),
  };
}

function descriptionLanguage(input: unknown): string {
  const lang = (input as { lang?: unknown } | null)?.lang;
  return typeof lang === 'string' && /^[a-z]{2,3}$/.test(lang) ? lang : 'it';
}

/** The publiccode content with the form's values applied; keys the form does not show are kept. */
export function applyForm(base: PubliccodeAsset, data: AssetFormInput, lang: string): PubliccodeAsset {
  const pc = structuredClone(base);
  pc.name = data.name;
  pc.url = data.url ?? '';
  pc.landingURL = data.landingURL;
  pc.softwareVersion = data.softwareVersion;
  pc.releaseDate = data.releaseDate;
  pc.developmentStatus = data.developmentStatus as PubliccodeAsset['developmentStatus'];
  pc.softwareType = data.softwareType as PubliccodeAsset['softwareType'];
  pc.platforms = [...new Set([...data.platforms, ...data.otherPlatforms])];
  pc.categories = data.categories as PubliccodeAsset['categories'];
  pc.intendedAudience.scope = data.scopes as PubliccodeAsset['intendedAudience']['scope'];
  const d = pc.descriptions[lang] ?? emptyDescription();
  d.shortDescription = data.shortDescription;
  d.longDescription = data.longDescription;
  d.features = data.features;
  d.documentation = data.documentation;
  const empty = !d.shortDescription && !d.longDescription && !d.features.length && !d.documentation && !d.screenshots.length && !d.localisedName;
  if (empty) delete pc.descriptions[lang];
  else pc.descriptions[lang] = d;
  pc.legal.license = data.license;
  pc.legal.licenseIsSpdx = !!data.license;
  pc.legal.mainCopyrightOwner = data.mainCopyrightOwner;
  pc.maintenance.type = data.maintenanceType as PubliccodeAsset['maintenance']['type'];
  pc.maintenance.contractors = data.contractors;
  pc.maintenance.contacts = data.contacts;
  for (const key of Object.keys(pc.italianPlatforms) as Array<keyof PubliccodeAsset['italianPlatforms']>) pc.italianPlatforms[key] = data.italianPlatforms.includes(key);
  pc.localisation.availableLanguages = data.availableLanguages;
  pc.localisation.localisationReady = data.localisationReady;
  return pc;
}

async function resolveCedent(actor: Actor, body: ViewerBody, requested: number | null, current: number | null): Promise<number | null> {
  if (!isStaff(actor)) {
    if (!body) throw new ForbiddenError(msg('catalog:error.cedentOnly'), 'catalog.create');
    return body.id;
  }
  if (requested === null) return null;
  if (requested === current) return current;
  const entity = await findBody(requested);
  if (!entity) throw new ValidationError({ entityId: msg('catalog:error.entityMissing') });
  return entity.id;
}

function translateUnique(err: unknown): never {
  if (err instanceof UniqueConstraintError) {
    throw new ConflictError(msg('catalog:error.duplicateUrl'), 'url');
  }
  throw err;
}

export async function createAsset(platform: Platform, actor: Actor, body: ViewerBody, input: unknown): Promise<Asset> {
  const data = parseInput(assetFormSchema, input);
  const entityId = await resolveCedent(actor, body, data.entityId, null);
  const lang = descriptionLanguage(input);
  const pc = applyForm(emptyPubliccode(data.name, data.url ?? ''), data, lang);
  try {
    const asset = await platform.sequelize.transaction(async (transaction) => {
      const ipa = await entityIpa(entityId, transaction);
      const asset = Asset.build({
        slug: await uniqueSlug(platform.sequelize, data.name, transaction),
        kind: data.kind,
        status: 'draft',
        archivedFrom: null,
        entityId,
        ...columnsFrom(pc),
        publiccode: { ...pc, cedentIpaCode: ipa ?? pc.cedentIpaCode },
        pnrrMeasures: data.pnrrMeasures,
        tags: data.tags,
        documentType: data.documentType,
        source: 'form',
        reviewComment: null,
        createdBy: actor.userId,
        updatedBy: actor.userId,
        submittedBy: null,
        submittedAt: null,
        publishedAt: null,
        archivedAt: null,
      });
      await refreshCompleteness(asset, ipa, transaction);
      await asset.save({ transaction });
      await recordEvent(asset, actor, 'created', null, 'draft', null, transaction);
      await platform.audit.record(actor, { action: 'catalog.created', subjectType: 'catalog_asset', subjectId: asset.id, entityId, details: { slug: asset.slug, kind: asset.kind } }, transaction);
      return asset;
    });
    return asset;
  } catch (err) {
    return translateUnique(err);
  }
}

export async function updateAsset(platform: Platform, actor: Actor, body: ViewerBody, slug: string, input: unknown): Promise<Asset> {
  const asset = await loadAsset(actor, slug);
  assertCanEditAsset(actor, asset);
  const data = parseInput(assetFormSchema, input);
  const entityId = isStaff(actor) ? await resolveCedent(actor, body, data.entityId, asset.entityId) : asset.entityId;
  const lang = descriptionLanguage(input);
  const pc = applyForm(asset.publiccode, data, lang);
  try {
    await platform.sequelize.transaction(async (transaction) => {
      const ipa = await entityIpa(entityId, transaction);
      const before = asset.get({ plain: true });
      asset.set({
        kind: data.kind,
        entityId,
        ...columnsFrom(pc),
        publiccode: { ...pc, cedentIpaCode: ipa ?? pc.cedentIpaCode },
        pnrrMeasures: data.pnrrMeasures,
        tags: data.tags,
        documentType: data.documentType,
        updatedBy: actor.userId,
      });
      await refreshCompleteness(asset, ipa, transaction);
      const changed = (asset.changed() || []).filter((k) => k !== 'updatedBy' && k !== 'warnings' && k !== 'complete');
      await asset.save({ transaction });
      await recordEvent(asset, actor, 'updated', null, null, null, transaction);
      await platform.audit.record(actor, {
        action: 'catalog.updated',
        subjectType: 'catalog_asset',
        subjectId: asset.id,
        entityId: asset.entityId,
        details: { slug: asset.slug, changed, status: before.status },
      }, transaction);
    });
  } catch (err) {
    translateUnique(err);
  }
  return asset;
}

// ---- Workflow ----

/** Who a workflow mail goes to; it is written in their language (users.locale, Italian by default). */
type Recipient = { email: string; name: string; locale?: string | null };
const mailLang = (to: Recipient) => pickLanguage(to.locale);

async function staffRecipients(transaction?: Transaction): Promise<Recipient[]> {
  const staff = await activeStaff({ roles: ['staff'], transaction });
  return staff.length ? staff : activeStaff({ roles: ['admin'], transaction });
}

/** The cedent side of a conversation: who submitted the asset, or the body's RTD. */
async function cedentRecipients(asset: Asset, transaction?: Transaction): Promise<Recipient[]> {
  const ids = new Set<number>();
  if (asset.submittedBy) ids.add(asset.submittedBy);
  if (!ids.size && asset.createdBy) ids.add(asset.createdBy);
  let users = (await findPeople([...ids], { activeOnly: true, transaction })).filter((u) => u.entityId === (asset.entityId ?? -1));
  if (!users.length && asset.entityId) {
    const entity = await findBody(asset.entityId, { transaction });
    const rtd = entity?.rtdUserId ? await findPerson(entity.rtdUserId, { transaction }) : null;
    if (rtd?.status === 'active') users = [rtd];
  }
  return users;
}

async function entityName(id: number | null, transaction?: Transaction): Promise<string | null> {
  return (await findBody(id, { transaction }))?.name ?? null;
}

async function transition(
  platform: Platform,
  actor: Actor,
  slug: string,
  opts: {
    allowed: (asset: Asset) => boolean;
    refusal: Message;
    to: (asset: Asset) => AssetStatus;
    action: string;
    comment?: string | null;
    before?: (asset: Asset, transaction: Transaction) => Promise<void>;
    mail?: (asset: Asset, transaction: Transaction) => Promise<void>;
  },
): Promise<Asset> {
  const asset = await loadAsset(actor, slug);
  if (!opts.allowed(asset)) throw new ForbiddenError(opts.refusal, `catalog.${opts.action}`);
  await platform.sequelize.transaction(async (transaction) => {
    // Lock the row: two reviewers clicking at once do not both act on the same state.
    await asset.reload({ transaction, lock: transaction.LOCK.UPDATE });
    if (!opts.allowed(asset)) throw new ConflictError(msg('catalog:error.statusChanged', { status: `catalog:status.${asset.status}` }));
    const from = asset.status;
    await opts.before?.(asset, transaction);
    asset.status = opts.to(asset);
    asset.updatedBy = actor.userId;
    await asset.save({ transaction });
    await recordEvent(asset, actor, opts.action, from, asset.status, opts.comment ?? null, transaction);
    await platform.audit.record(actor, {
      action: `catalog.${opts.action}`,
      subjectType: 'catalog_asset',
      subjectId: asset.id,
      entityId: asset.entityId,
      details: { slug: asset.slug, from, to: asset.status, ...(opts.comment ? { comment: opts.comment.slice(0, 500) } : {}) },
    }, transaction);
    await opts.mail?.(asset, transaction);
  });
  return asset;
}

const assetLink = (platform: Platform, asset: Asset) => `${platform.config.baseUrl}/catalogo/${asset.slug}`;

/** Tells the centre's staff that a cedent sent an asset for review. */
export async function notifySubmitted(platform: Platform, actor: Actor, asset: Asset, transaction: Transaction): Promise<void> {
  const body = await entityName(asset.entityId, transaction);
  for (const to of await staffRecipients(transaction)) {
    await platform.mail.send({
      to: to.email,
      lang: mailLang(to),
      subject: msg('catalog:mail.submittedSubject', { name: asset.name }),
      template: 'catalog-submitted',
      data: { name: to.name, assetName: asset.name, bodyName: body, submitter: actor.name || actor.email, link: assetLink(platform, asset), problems: asset.warnings.length, complete: asset.complete },
    }, transaction);
  }
}

/** Tells the cedent body that its asset is published. */
export async function notifyPublished(platform: Platform, asset: Asset, comment: string | null, transaction: Transaction): Promise<void> {
  for (const to of await cedentRecipients(asset, transaction)) {
    await platform.mail.send({
      to: to.email,
      lang: mailLang(to),
      subject: msg('catalog:mail.publishedSubject', { name: asset.name }),
      template: 'catalog-published',
      data: { name: to.name, assetName: asset.name, comment, link: assetLink(platform, asset) },
    }, transaction);
  }
}

export async function submitAsset(platform: Platform, actor: Actor, slug: string): Promise<Asset> {
  return transition(platform, actor, slug, {
    allowed: (a) => canSubmit(actor, a),
    refusal: msg('catalog:error.submitRefused'),
    to: () => 'submitted',
    action: 'submitted',
    before: async (asset) => {
      asset.submittedBy = actor.userId;
      asset.submittedAt = new Date();
    },
    mail: (asset, transaction) => notifySubmitted(platform, actor, asset, transaction),
  });
}

export async function publishAsset(platform: Platform, actor: Actor, slug: string, input: unknown = {}): Promise<Asset> {
  assertStaff(actor, 'catalog.publish');
  const { comment } = parseInput(optionalCommentSchema, input ?? {});
  return transition(platform, actor, slug, {
    allowed: (a) => ['draft', 'submitted', 'returned'].includes(a.status),
    refusal: msg('catalog:error.publishRefused'),
    to: () => 'published',
    action: 'published',
    comment,
    before: async (asset, transaction) => {
      const blockers = publishBlockers(asset, await attachmentCount(asset.id, transaction));
      if (blockers.length) throw blockersError('catalog:error.notYetPublishable', blockers);
      asset.publishedAt = new Date();
      asset.reviewComment = comment;
    },
    mail: (asset, transaction) => notifyPublished(platform, asset, comment, transaction),
  });
}

export async function returnAsset(platform: Platform, actor: Actor, slug: string, input: unknown): Promise<Asset> {
  assertStaff(actor, 'catalog.return');
  const { comment } = parseInput(reviewSchema, input);
  return transition(platform, actor, slug, {
    allowed: (a) => a.status === 'submitted',
    refusal: msg('catalog:error.returnRefused'),
    to: () => 'returned',
    action: 'returned',
    comment,
    before: async (asset) => {
      asset.reviewComment = comment;
    },
    mail: async (asset, transaction) => {
      for (const to of await cedentRecipients(asset, transaction)) {
        await platform.mail.send({
          to: to.email,
          lang: mailLang(to),
          subject: msg('catalog:mail.returnedSubject', { name: asset.name }),
          template: 'catalog-returned',
          data: { name: to.name, assetName: asset.name, comment, reviewer: actor.name || actor.email, link: assetLink(platform, asset) },
        }, transaction);
      }
    },
  });
}

export async function archiveAsset(platform: Platform, actor: Actor, slug: string, input: unknown = {}): Promise<Asset> {
  assertStaff(actor, 'catalog.archive');
  const { comment } = parseInput(optionalCommentSchema, input ?? {});
  return transition(platform, actor, slug, {
    allowed: (a) => a.status !== 'archived',
    refusal: msg('catalog:error.archiveRefused'),
    to: () => 'archived',
    action: 'archived',
    comment,
    before: async (asset) => {
      asset.archivedFrom = asset.status;
      asset.archivedAt = new Date();
    },
    mail: async (asset, transaction) => {
      if (!asset.entityId) return;
      for (const to of await cedentRecipients(asset, transaction)) {
        await platform.mail.send({
          to: to.email,
          lang: mailLang(to),
          subject: msg('catalog:mail.archivedSubject', { name: asset.name }),
          template: 'catalog-archived',
          data: { name: to.name, assetName: asset.name, comment, link: assetLink(platform, asset) },
        }, transaction);
      }
    },
  });
}

export async function restoreAsset(platform: Platform, actor: Actor, slug: string): Promise<Asset> {
  assertStaff(actor, 'catalog.restore');
  return transition(platform, actor, slug, {
    allowed: (a) => a.status === 'archived',
    refusal: msg('catalog:error.restoreRefused'),
    to: (a) => (a.archivedFrom === 'published' ? 'published' : a.archivedFrom === 'submitted' ? 'submitted' : 'draft'),
    action: 'restored',
    before: async (asset, transaction) => {
      if (asset.archivedFrom === 'published') {
        const blockers = publishBlockers(asset, await attachmentCount(asset.id, transaction));
        if (blockers.length) asset.archivedFrom = 'draft';
      }
      asset.archivedAt = null;
    },
  });
}

export async function deleteAsset(platform: Platform, actor: Actor, slug: string, confirmed: boolean): Promise<{ name: string }> {
  const asset = await loadAsset(actor, slug);
  if (!canDelete(actor, asset)) throw new ForbiddenError(msg('catalog:error.deleteRefused'), 'catalog.delete');
  if (!confirmed) throw new ValidationError({ confirm: msg('catalog:error.confirmDelete') });
  await platform.sequelize.transaction(async (transaction) => {
    const files = await AssetFile.findAll({ where: { assetId: asset.id }, transaction });
    await asset.destroy({ transaction });
    if (files.length) {
      await platform.sequelize.query(
        `DELETE FROM stored_files WHERE id IN (:ids) AND NOT EXISTS (SELECT 1 FROM catalog_asset_files f WHERE f.file_id = stored_files.id)`,
        { replacements: { ids: files.map((f) => f.fileId) }, transaction },
      );
    }
    await platform.audit.record(actor, { action: 'catalog.deleted', subjectType: 'catalog_asset', subjectId: asset.id, entityId: asset.entityId, details: { slug: asset.slug, name: asset.name } }, transaction);
  });
  return { name: asset.name };
}

// ---- Files ----

export const FILE_MAX_COUNT = 5;
const MAX_FILES_PER_ASSET = 40;

export async function addAssetFiles(
  platform: Platform,
  actor: Actor,
  slug: string,
  input: unknown,
  uploads: FileSource[],
): Promise<number> {
  const asset = await loadAsset(actor, slug);
  assertCanEditAsset(actor, asset);
  const data = parseInput(fileFormSchema, input);
  if (!uploads.length) throw new ValidationError({ files: msg('catalog:error.noFile') });
  if (data.role !== 'attachment' && uploads.length > 1) throw new ValidationError({ files: msg('catalog:error.oneImage') });
  const existing = await AssetFile.count({ where: { assetId: asset.id } });
  if (existing + uploads.length > MAX_FILES_PER_ASSET) throw new ValidationError({ files: msg('catalog:error.tooManyFiles', { max: MAX_FILES_PER_ASSET }) });
  await platform.sequelize.transaction(async (transaction) => {
    if (data.role === 'logo') {
      const old = await AssetFile.findAll({ where: { assetId: asset.id, role: 'logo' }, transaction });
      for (const f of old) await f.destroy({ transaction });
    }
    let position = (await AssetFile.max<number, AssetFile>('position', { where: { assetId: asset.id, role: data.role }, transaction })) ?? 0;
    for (const upload of uploads) {
      const stored = await platform.files.save({ ...upload, uploadedBy: actor.userId }, transaction);
      if (data.role !== 'attachment' && !stored.mime.startsWith('image/')) {
        throw new ValidationError({ files: msg('catalog:error.notImage', { name: stored.originalName }) });
      }
      await AssetFile.create({ assetId: asset.id, fileId: stored.id, role: data.role, title: (uploads.length === 1 && data.title) || stored.originalName, position: ++position, uploadedBy: actor.userId }, { transaction });
    }
    await refreshCompleteness(asset, await entityIpa(asset.entityId, transaction), transaction);
    await asset.save({ transaction });
    await platform.audit.record(actor, {
      action: 'catalog.file-added',
      subjectType: 'catalog_asset',
      subjectId: asset.id,
      entityId: asset.entityId,
      details: { slug: asset.slug, role: data.role, files: uploads.map((u) => u.originalName.slice(0, 120)) },
    }, transaction);
  });
  return uploads.length;
}

/** A file of an asset the actor may edit, for its deletion (and the page that asks to confirm it). */
export async function assetFileForEdit(actor: Actor, slug: string, fileRowId: number) {
  const asset = await loadAsset(actor, slug);
  assertCanEditAsset(actor, asset);
  const row = await AssetFile.findOne({ where: { id: fileRowId, assetId: asset.id } });
  if (!row) throw new NotFoundError(msg('catalog:error.fileNotFound'));
  return { asset, row };
}

export async function removeAssetFile(platform: Platform, actor: Actor, slug: string, fileRowId: number): Promise<void> {
  const { asset, row } = await assetFileForEdit(actor, slug, fileRowId);
  await platform.sequelize.transaction(async (transaction) => {
    await row.destroy({ transaction });
    await platform.sequelize.query(
      `DELETE FROM stored_files WHERE id = :id AND NOT EXISTS (SELECT 1 FROM catalog_asset_files WHERE file_id = :id)`,
      { replacements: { id: row.fileId }, transaction },
    );
    await refreshCompleteness(asset, await entityIpa(asset.entityId, transaction), transaction);
    await asset.save({ transaction });
    await platform.audit.record(actor, { action: 'catalog.file-removed', subjectType: 'catalog_asset', subjectId: asset.id, entityId: asset.entityId, details: { slug: asset.slug, title: row.title, role: row.role } }, transaction);
  });
}

/** A file of an asset the viewer may see; the id must belong to that asset. */
export async function assetFileForDownload(platform: Platform, viewer: Viewer, slug: string, fileRowId: number) {
  const asset = await loadAsset(viewer, slug);
  const row = await AssetFile.findOne({ where: { id: fileRowId, assetId: asset.id } });
  const meta = row ? await platform.files.meta(row.fileId) : null;
  if (!row || !meta) throw new NotFoundError(msg('catalog:error.fileNotFound'));
  return { row, meta };
}

// ---- Lists for staff and cedents ----

export async function managedAssets(viewer: Viewer, body: ViewerBody, status: AssetStatus | null, page: { perPage: number; offset: number }) {
  const where: Record<string | symbol, unknown> = {};
  if (!isStaff(viewer)) {
    if (!body) throw new ForbiddenError(msg('catalog:error.cedentOnly'), 'catalog.manage');
    where.entityId = body.id;
  }
  const counts = await Asset.count({ where, group: ['status'] }) as unknown as Array<{ status: AssetStatus; count: number }>;
  if (status) where.status = status;
  const { rows, count } = await Asset.findAndCountAll({
    where,
    attributes: ['id', 'slug', 'name', 'kind', 'status', 'entityId', 'complete', 'warnings', 'updatedAt', 'submittedAt', 'inUseCount'],
    order: [['updatedAt', 'DESC'], ['id', 'DESC']],
    limit: page.perPage,
    offset: page.offset,
  });
  const entityIds = [...new Set(rows.map((r) => r.entityId).filter((x): x is number => x !== null))];
  const names = await bodyNames(entityIds);
  return {
    assets: rows.map((r) => ({ ...r.get({ plain: true }), entityName: r.entityId ? names.get(r.entityId) ?? null : null })),
    total: count,
    counts: Object.fromEntries(counts.map((c) => [c.status, Number(c.count)])) as Partial<Record<AssetStatus, number>>,
  };
}

/** The bodies staff can attribute an asset to; the views mark those that are not cedents (`cedent: false`). */
export async function cedentOptions(): Promise<Array<{ value: string; label: string; cedent: boolean }>> {
  // Cedent bodies first, each group by name (the sort is stable).
  const rows = (await bodyOptions()).sort((a, b) => Number(b.isCedent) - Number(a.isCedent)).slice(0, 3000);
  return rows.map((e) => ({ value: String(e.id), label: `${e.name} (${e.ipaCode})`, cedent: e.isCedent }));
}
