// Documents that start from a catalogue template (kind "template", modello di documento): the
// templates of the catalogue that model a type of document, and the DOCX of one filled with the
// dossier's data (object, amount, supplier, reasons, requirements, RUP, CIG, comune) by
// docxtemplater. The signed file then goes back into the dossier as an ordinary document version.
import Docxtemplater from 'docxtemplater';
import PizZip from 'pizzip';
import type { Actor } from '../../platform/actor.js';
import type { Platform } from '../../platform/context.js';
import { NotFoundError, ValidationError } from '../../platform/errors.js';
import { translator } from '../../platform/i18n.js';
import { msg } from '../../platform/messages.js';
import { parseInput } from '../../platform/validation.js';
import { findPerson } from '../accounts/index.js';
import { documentTemplateBySlug, documentTemplatesOfType, documentTypesWithTemplates, type DocumentTemplate } from '../catalog/index.js';
import { findBody, leadBody } from '../entities/index.js';
import { todayInRome } from './dates.js';
import { Lot, TenderDocument, type Dossier } from './models.js';
import { formatCents } from './money.js';
import { isDocumentType, type DocumentType } from './procurement.js';
import { templateFillSchema } from './schemas.js';
import { dossierForStaff } from './service.js';

/** What a template page offers: the catalogue's templates of that type and the dossier's lots. */
export type TemplateChoice = { slug: string; name: string; publisher: string | null };

/** A template larger than this is not a letter to fill: refused rather than read into memory. */
const MAX_TEMPLATE_BYTES = 5 * 1024 * 1024;

/** Written where the dossier does not say yet, for the RUP to complete in the editable file. */
const TO_COMPLETE = '[da completare]';

const choiceOf = (t: DocumentTemplate): TemplateChoice => ({ slug: t.slug, name: t.name, publisher: t.publisher });

/** The document types the catalogue has a template for (the guide links them). */
export async function typesWithTemplates(): Promise<DocumentType[]> {
  return (await documentTypesWithTemplates()).filter(isDocumentType);
}

/** The template page of a dossier for one document type (404 for a type that does not exist, or a template of another type). */
export async function templatePage(actor: Actor, dossierId: number, type: unknown, preselected: unknown) {
  const dossier = await dossierForStaff(actor, dossierId, 'tenders.document-template');
  if (!isDocumentType(type)) throw new NotFoundError('tenders:error.documentTypeNotFound');
  if (typeof preselected === 'string' && preselected !== '') {
    const chosen = await documentTemplateBySlug(preselected);
    if (!chosen) throw new NotFoundError('tenders:error.templateNotFound');
    if (chosen.documentType !== type) throw new NotFoundError(msg('tenders:error.templateWrongType', { name: chosen.name, type: msg(`tenders:documentTypeInline.${type}`) }));
  }
  const [templates, lots, existing] = await Promise.all([
    documentTemplatesOfType(type),
    Lot.findAll({ where: { dossierId: dossier.id }, order: [['number', 'ASC']] }),
    TenderDocument.findOne({ where: { dossierId: dossier.id, type }, order: [['id', 'ASC']] }),
  ]);
  return { dossier, type, templates: templates.map(choiceOf), lots, existingDocumentId: existing?.id ?? null };
}

async function templateBytes(platform: Platform, t: DocumentTemplate): Promise<Buffer> {
  if (t.fileSize > MAX_TEMPLATE_BYTES) throw new ValidationError({ template: 'tenders:error.templateUnreadable' });
  const chunks: Buffer[] = [];
  for await (const chunk of platform.files.stream(t.fileId, t.fileSize) as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/** The Italian values of a dossier for a template's {fields}. */
async function fieldsOf(dossier: Dossier, lot: Lot | null, lots: Lot[], input: { supplier: string | null; supplierFiscalCode: string | null; reasons: string | null; requirements: string | null }) {
  const it = translator('it');
  const [body, rup] = await Promise.all([dossier.contractingEntityId ? findBody(dossier.contractingEntityId) : leadBody(), findPerson(dossier.rupUserId)]);
  const cigs = (lot ? [lot] : lots).map((l) => l.cig).filter((c): c is string => Boolean(c));
  const [y, m, d] = todayInRome().split('-');
  return {
    comune: body?.name ?? TO_COMPLETE,
    titolo: lot ? `${dossier.title} — ${it('tenders:document.lotOption', { number: lot.number, title: lot.title })}` : dossier.title,
    oggetto: dossier.object,
    categoria: it(`tenders:templateFill.category.${dossier.category}`),
    procedura: it(`tenders:procedure.${dossier.procedure}`),
    importo: formatCents(lot ? lot.valueCents : dossier.estimatedValueCents),
    cig: cigs.join(', '),
    cup: dossier.cup ?? '',
    cpv: dossier.cpv ?? '',
    fornitore: input.supplier ?? dossier.awardSupplierName ?? TO_COMPLETE,
    fornitoreCf: input.supplierFiscalCode ?? dossier.awardSupplierFiscalCode ?? '',
    ragioni: input.reasons ?? TO_COMPLETE,
    requisiti: input.requirements ?? TO_COMPLETE,
    rup: rup ? rup.name || rup.email : TO_COMPLETE,
    // Art. 50 c. 1: letter a) for works, b) for services and supplies.
    lettera: dossier.category === 'works' ? 'a' : 'b',
    data: `${d}/${m}/${y}`,
  };
}

const slugOf = (s: string) =>
  s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 60);

/**
 * The template filled with the dossier's data, as a DOCX to edit and sign. A template of another
 * document type is refused next to the template field; the document is never stored here: what
 * the dossier keeps is the signed version the RUP uploads.
 */
export async function fillTemplate(platform: Platform, actor: Actor, dossierId: number, input: unknown): Promise<{ filename: string; content: Buffer }> {
  const dossier = await dossierForStaff(actor, dossierId, 'tenders.document-template');
  const data = parseInput(templateFillSchema, input);
  const template = await documentTemplateBySlug(data.template);
  if (!template) throw new ValidationError({ template: 'tenders:error.templateNotFound' });
  const type: DocumentType = data.type;
  if (template.documentType !== type) {
    throw new ValidationError({ template: msg('tenders:error.templateWrongType', { name: template.name, type: msg(`tenders:documentTypeInline.${type}`) }) });
  }
  const lots = await Lot.findAll({ where: { dossierId: dossier.id }, order: [['number', 'ASC']] });
  const lot = data.lotId === null ? null : (lots.find((l) => l.id === data.lotId) ?? null);
  if (data.lotId !== null && !lot) throw new ValidationError({ lotId: 'tenders:error.lotNotInDossier' });
  const fields = await fieldsOf(dossier, lot, lots, data);
  let content: Buffer;
  try {
    const doc = new Docxtemplater(new PizZip(await templateBytes(platform, template)), { paragraphLoop: true, linebreaks: true, nullGetter: () => '' });
    doc.render(fields);
    content = doc.getZip().generate({ type: 'nodebuffer', compression: 'DEFLATE' });
  } catch (err) {
    // A template whose DOCX is broken or whose {fields} do not parse: the cedent must fix it.
    platform.log.warn({ err, template: template.slug }, 'a catalogue template could not be filled');
    throw new ValidationError({ template: msg('tenders:error.templateUnreadable', { name: template.name }) });
  }
  return { filename: `${slugOf(translator('it')(`tenders:documentType.${type}`))}-${slugOf(dossier.title)}.docx`, content };
}
