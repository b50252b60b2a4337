// Document templates (kind "template", modello di documento) that model one type of tender document:
// what the tenders area offers when a dossier needs that document, and the DOCX it fills. Only
// published templates with an editable DOCX attachment count.
import { QueryTypes } from 'sequelize';
import { Asset } from './models.js';

export const DOCX_MIME = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

export type DocumentTemplate = {
  slug: string;
  name: string;
  /** The tender document type it models (a tenders code), or null when it models none. */
  documentType: string | null;
  /** The cedent body's name, or the publisher the asset names. */
  publisher: string | null;
  /** The DOCX attachment: its stored file and size. */
  fileId: string;
  fileSize: number;
  fileName: string;
};

type Row = { slug: string; name: string; document_type: string | null; publisher: string | null; file_id: string; size: number; original_name: string };

async function templates(where: string, replacements: Record<string, unknown>): Promise<DocumentTemplate[]> {
  const rows = await Asset.sequelize!.query<Row>(
    `SELECT a.slug, a.name, a.document_type, COALESCE(e.name, a.publisher) AS publisher, f.file_id, s.size, s.original_name
       FROM catalog_assets a
       LEFT JOIN entities e ON e.id = a.entity_id
       JOIN LATERAL (
         SELECT af.file_id FROM catalog_asset_files af JOIN stored_files sf ON sf.id = af.file_id
          WHERE af.asset_id = a.id AND af.role = 'attachment' AND sf.mime = :mime
          ORDER BY af.position, af.id LIMIT 1
       ) f ON true
       JOIN stored_files s ON s.id = f.file_id
      WHERE a.kind = 'template' AND a.status = 'published' AND ${where}
      ORDER BY a.name, a.id`,
    { replacements: { ...replacements, mime: DOCX_MIME }, type: QueryTypes.SELECT },
  );
  return rows.map((r) => ({ slug: r.slug, name: r.name, documentType: r.document_type, publisher: r.publisher, fileId: r.file_id, fileSize: Number(r.size), fileName: r.original_name }));
}

/** The published templates of one type of tender document (with a DOCX to fill), by name. */
export async function documentTemplatesOfType(documentType: string): Promise<DocumentTemplate[]> {
  if (typeof documentType !== 'string' || !/^[a-z_]{1,40}$/.test(documentType)) return [];
  return templates('a.document_type = :documentType', { documentType });
}

/** A published template with a DOCX by slug, whatever type of document it models (the caller checks the type), or null. */
export async function documentTemplateBySlug(slug: string): Promise<DocumentTemplate | null> {
  if (typeof slug !== 'string' || !/^[a-z0-9-]{1,90}$/.test(slug)) return null;
  const [found] = await templates('a.slug = :slug', { slug });
  return found ?? null;
}

/** The tender document types that have at least one published template with a DOCX (one query). */
export async function documentTypesWithTemplates(): Promise<string[]> {
  const rows = await Asset.sequelize!.query<{ document_type: string }>(
    `SELECT DISTINCT a.document_type FROM catalog_assets a
      WHERE a.kind = 'template' AND a.status = 'published' AND a.document_type IS NOT NULL
        AND EXISTS (SELECT 1 FROM catalog_asset_files af JOIN stored_files sf ON sf.id = af.file_id
                     WHERE af.asset_id = a.id AND af.role = 'attachment' AND sf.mime = :mime)
      ORDER BY 1`,
    { replacements: { mime: DOCX_MIME }, type: QueryTypes.SELECT },
  );
  return rows.map((r) => r.document_type);
}
