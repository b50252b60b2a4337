// Typed, versioned documents of a dossier. Each upload is a new version with its uploader, date,
// SHA-256 and its own visibility; a viewer sees exactly the versions the policy lets them see.
import { QueryTypes } from 'sequelize';
import type { Actor, Viewer } from '../../platform/actor.js';
import type { Platform } from '../../platform/context.js';
import { NotFoundError, ValidationError } from '../../platform/errors.js';
import type { FileSource } from '../../platform/files.js';
import { msg } from '../../platform/messages.js';
import { parseInput } from '../../platform/validation.js';
import { recordEvent } from './history.js';
import { DocumentVersion, Lot, TenderDocument } from './models.js';
import { assertCanEditDossier, canSeeVersion, visibleVisibilities, type DossierAccess } from './policy.js';
import type { DocumentType, DocumentVisibility } from './procurement.js';
import { documentSchema, versionSchema } from './schemas.js';
import { loadDossier } from './service.js';

export type UploadedFile = FileSource;

export type VersionView = {
  id: number;
  version: number;
  visibility: DocumentVisibility;
  size: number;
  sha256: string;
  mime: string;
  originalName: string;
  note: string | null;
  uploadedAt: Date;
  uploaderName: string | null;
};

export type DocumentView = {
  id: number;
  type: DocumentType;
  title: string;
  lotId: number | null;
  lotNumber: number | null;
  versions: VersionView[];
  latest: VersionView;
  /** Versions in total, seen or not (staff only; null for others). */
  totalVersions: number | null;
};

async function storeFile(platform: Platform, actor: Actor, file: UploadedFile | null, transaction: import('sequelize').Transaction) {
  if (!file) throw new ValidationError({ file: 'tenders:error.fileMissing' });
  return platform.files.save({ ...file, uploadedBy: actor.userId }, transaction);
}

export async function addDocument(platform: Platform, actor: Actor, dossierId: number, input: unknown, file: UploadedFile | null): Promise<TenderDocument> {
  const data = parseInput(documentSchema, input);
  if (!file) throw new ValidationError({ file: 'tenders:error.fileMissing' });
  return platform.sequelize.transaction(async (transaction) => {
    const { dossier, access } = await loadDossier(actor, dossierId, transaction);
    assertCanEditDossier(actor, access, 'tenders.document-add');
    if (data.lotId !== null && !(await Lot.findOne({ where: { id: data.lotId, dossierId: dossier.id }, transaction }))) {
      throw new ValidationError({ lotId: 'tenders:error.lotNotInDossier' });
    }
    const stored = await storeFile(platform, actor, file, transaction);
    const doc = await TenderDocument.create({ dossierId: dossier.id, lotId: data.lotId, type: data.type, title: data.title, createdBy: actor.userId }, { transaction });
    await DocumentVersion.create(
      { documentId: doc.id, version: 1, visibility: data.visibility, fileId: stored.id, sha256: stored.sha256, size: stored.size, mime: stored.mime, originalName: stored.originalName, note: data.note, uploadedBy: actor.userId },
      { transaction },
    );
    await recordEvent(
      platform,
      actor,
      dossier.id,
      {
        kind: 'document-added',
        summary: msg('tenders:event.documentAdded', { title: doc.title, type: msg(`tenders:documentType.${doc.type}`), visibility: msg(`tenders:visibilityInline.${data.visibility}`), sha: stored.sha256.slice(0, 12) }),
        details: { documentId: doc.id, sha256: stored.sha256, visibility: data.visibility },
      },
      transaction,
    );
    return doc;
  });
}

export async function addVersion(platform: Platform, actor: Actor, dossierId: number, documentId: number, input: unknown, file: UploadedFile | null): Promise<DocumentVersion> {
  const data = parseInput(versionSchema, input);
  if (!file) throw new ValidationError({ file: 'tenders:error.versionFileMissing' });
  return platform.sequelize.transaction(async (transaction) => {
    const { dossier, access } = await loadDossier(actor, dossierId, transaction);
    assertCanEditDossier(actor, access, 'tenders.document-version');
    const doc = await TenderDocument.findOne({ where: { id: documentId, dossierId: dossier.id }, transaction, lock: transaction.LOCK.UPDATE });
    if (!doc) throw new NotFoundError('tenders:error.documentNotFound');
    const stored = await storeFile(platform, actor, file, transaction);
    const last = ((await DocumentVersion.max('version', { where: { documentId: doc.id }, transaction })) as number | null) ?? 0;
    const version = await DocumentVersion.create(
      { documentId: doc.id, version: last + 1, visibility: data.visibility, fileId: stored.id, sha256: stored.sha256, size: stored.size, mime: stored.mime, originalName: stored.originalName, note: data.note, uploadedBy: actor.userId },
      { transaction },
    );
    doc.changed('updatedAt', true);
    await doc.save({ transaction });
    await recordEvent(
      platform,
      actor,
      dossier.id,
      {
        kind: 'document-version',
        summary: msg('tenders:event.documentVersion', { version: version.version, title: doc.title, visibility: msg(`tenders:visibilityInline.${data.visibility}`), sha: stored.sha256.slice(0, 12) }),
        details: { documentId: doc.id, version: version.version, sha256: stored.sha256, visibility: data.visibility },
      },
      transaction,
    );
    return version;
  });
}

type VersionRow = {
  id: number;
  document_id: number;
  version: number;
  visibility: DocumentVisibility;
  size: number;
  sha256: string;
  mime: string;
  original_name: string;
  note: string | null;
  uploaded_at: Date;
  uploader: string | null;
};

function toVersion(r: VersionRow): VersionView {
  return { id: r.id, version: r.version, visibility: r.visibility, size: r.size, sha256: r.sha256, mime: r.mime, originalName: r.original_name, note: r.note, uploadedAt: r.uploaded_at, uploaderName: r.uploader };
}

/** The documents of a dossier with the versions this viewer may see (two queries whatever the count). */
export async function documentsFor(platform: Platform, viewer: Viewer, dossierId: number, access: DossierAccess, documentId?: number): Promise<DocumentView[]> {
  const visibilities = visibleVisibilities(viewer, access);
  if (visibilities.length === 0) return [];
  const docs = await platform.sequelize.query<{ id: number; type: DocumentType; title: string; lot_id: number | null; lot_number: number | null; total: number }>(
    `SELECT d.id, d.type, d.title, d.lot_id, l.number AS lot_number,
            (SELECT count(*) FROM tender_document_versions v WHERE v.document_id = d.id)::int AS total
       FROM tender_documents d LEFT JOIN tender_lots l ON l.id = d.lot_id
      WHERE d.dossier_id = :dossierId ${documentId !== undefined ? 'AND d.id = :documentId' : ''}
      ORDER BY l.number NULLS FIRST, d.type, d.id`,
    { replacements: { dossierId, documentId: documentId ?? null }, type: QueryTypes.SELECT },
  );
  if (docs.length === 0) return [];
  const versions = await platform.sequelize.query<VersionRow>(
    `SELECT v.id, v.document_id, v.version, v.visibility, v.size, v.sha256, v.mime, v.original_name, v.note, v.uploaded_at,
            COALESCE(NULLIF(u.name, ''), u.email) AS uploader
       FROM tender_document_versions v LEFT JOIN users u ON u.id = v.uploaded_by
      WHERE v.document_id IN (:ids) AND v.visibility IN (:visibilities)
      ORDER BY v.document_id, v.version DESC`,
    { replacements: { ids: docs.map((d) => d.id), visibilities }, type: QueryTypes.SELECT },
  );
  const byDoc = new Map<number, VersionView[]>();
  for (const v of versions) {
    const list = byDoc.get(v.document_id) ?? [];
    list.push(toVersion(v));
    byDoc.set(v.document_id, list);
  }
  const staff = visibilities.includes('staff');
  return docs
    .filter((d) => byDoc.has(d.id))
    .map((d) => {
      const list = byDoc.get(d.id)!;
      return { id: d.id, type: d.type, title: d.title, lotId: d.lot_id, lotNumber: d.lot_number, versions: list, latest: list[0], totalVersions: staff ? d.total : null };
    });
}

export async function documentPage(platform: Platform, viewer: Viewer, dossierId: number, documentId: number) {
  const loaded = await loadDossier(viewer, dossierId);
  const [doc] = await documentsFor(platform, viewer, dossierId, loaded.access, documentId);
  if (!doc) {
    if (await TenderDocument.findOne({ where: { id: documentId, dossierId } })) {
      throw new NotFoundError('tenders:error.documentNotFound', 'tenders.document-view');
    }
    throw new NotFoundError('tenders:error.documentNotFound');
  }
  const lots = await Lot.findAll({ where: { dossierId }, order: [['number', 'ASC']] });
  return { ...loaded, document: doc, lots };
}

/** The stored file of a version, or 404 (missing or not for this viewer, alike): a guessed URL never yields a version the viewer may not see. */
export async function versionForDownload(viewer: Viewer, dossierId: number, documentId: number, versionId: number): Promise<DocumentVersion> {
  const { access } = await loadDossier(viewer, dossierId);
  const doc = await TenderDocument.findOne({ where: { id: documentId, dossierId } });
  const version = doc ? await DocumentVersion.findOne({ where: { id: versionId, documentId: doc.id } }) : null;
  if (!doc || !version) throw new NotFoundError('tenders:error.documentNotFound');
  if (!canSeeVersion(viewer, access, version.visibility)) {
    throw new NotFoundError('tenders:error.documentNotFound', 'tenders.document-download');
  }
  return version;
}

/** The latest version of a document this viewer may see. */
export async function latestVisibleVersion(viewer: Viewer, dossierId: number, documentId: number): Promise<DocumentVersion> {
  const { access } = await loadDossier(viewer, dossierId);
  const doc = await TenderDocument.findOne({ where: { id: documentId, dossierId } });
  if (!doc) throw new NotFoundError('tenders:error.documentNotFound');
  const visibilities = visibleVisibilities(viewer, access);
  const version = visibilities.length
    ? await DocumentVersion.findOne({ where: { documentId: doc.id, visibility: visibilities }, order: [['version', 'DESC']] })
    : null;
  if (!version) throw new NotFoundError('tenders:error.documentNotFound', 'tenders.document-download');
  return version;
}
