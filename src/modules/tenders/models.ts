// Sequelize models of the tenders area. Amounts are integer cents in bigint columns: pg returns
// them as strings, so each one has a getter that gives back a number (≤ € 10 miliardi is exact).
import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type Sequelize } from 'sequelize';
import { centsColumn } from '../../platform/columns.js';
import type { Category, DocumentType, DocumentVisibility, LotStatus, MilestoneKind, ParticipantStatus, Phase, Procedure } from './procurement.js';

export const FUNDINGS = ['none', 'pnrr', 'other'] as const;
export type Funding = (typeof FUNDINGS)[number];
// Labels: tenders:funding.<code> and tenders:measure.<code>.

export const NEEDS_MEASURES = ['quantity', 'amount'] as const;
export type NeedsMeasure = (typeof NEEDS_MEASURES)[number];


export class Dossier extends Model<InferAttributes<Dossier>, InferCreationAttributes<Dossier>> {
  declare id: CreationOptional<number>;
  declare title: string;
  declare object: string;
  declare category: Category;
  declare cpv: string | null;
  declare procedure: Procedure;
  declare estimatedValueCents: number;
  declare rupUserId: number;
  declare funding: Funding;
  declare pnrrMeasure: string | null;
  declare fundingNote: string | null;
  declare cup: string | null;
  declare phase: Phase;
  declare phaseChangedAt: CreationOptional<Date>;
  declare isPublic: CreationOptional<boolean>;
  declare cancelledReason: string | null;
  declare awardSupplierName: string | null;
  declare awardSupplierFiscalCode: string | null;
  declare awardValueCents: number | null;
  declare awardDate: string | null;
  declare contractValueCents: number | null;
  declare contractSignedOn: string | null;
  declare createdBy: number | null;
  /** The body that runs its own procedure (stazione appaltante); null for an aggregated dossier of the centre. */
  declare contractingEntityId: CreationOptional<number | null>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
}

export class Lot extends Model<InferAttributes<Lot>, InferCreationAttributes<Lot>> {
  declare id: CreationOptional<number>;
  declare dossierId: number;
  declare number: number;
  declare title: string;
  declare description: string | null;
  declare cig: string | null;
  declare valueCents: number;
  declare status: LotStatus;
  declare cancelledReason: string | null;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
}

export class Participant extends Model<InferAttributes<Participant>, InferCreationAttributes<Participant>> {
  declare id: CreationOptional<number>;
  declare dossierId: number;
  declare entityId: number;
  declare status: ParticipantStatus;
  declare shareCents: number | null;
  declare adhesionFileId: string | null;
  declare adhesionUploadedAt: Date | null;
  declare adhesionUploadedBy: number | null;
  declare note: string | null;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
}

export class Milestone extends Model<InferAttributes<Milestone>, InferCreationAttributes<Milestone>> {
  declare id: CreationOptional<number>;
  declare dossierId: number;
  declare kind: MilestoneKind;
  declare title: string;
  declare dueOn: string;
  declare dueTime: string | null;
  declare ownerUserId: number | null;
  declare note: string | null;
  declare doneAt: Date | null;
  declare reminderSentAt: Date | null;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
}

export class TenderDocument extends Model<InferAttributes<TenderDocument>, InferCreationAttributes<TenderDocument>> {
  declare id: CreationOptional<number>;
  declare dossierId: number;
  declare lotId: number | null;
  declare type: DocumentType;
  declare title: string;
  declare createdBy: number | null;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
}

export class DocumentVersion extends Model<InferAttributes<DocumentVersion>, InferCreationAttributes<DocumentVersion>> {
  declare id: CreationOptional<number>;
  declare documentId: number;
  declare version: number;
  declare visibility: DocumentVisibility;
  declare fileId: string;
  declare sha256: string;
  declare size: number;
  declare mime: string;
  declare originalName: string;
  declare note: string | null;
  declare uploadedBy: number | null;
  declare uploadedAt: CreationOptional<Date>;
}

export class NeedsCall extends Model<InferAttributes<NeedsCall>, InferCreationAttributes<NeedsCall>> {
  declare id: CreationOptional<number>;
  declare dossierId: number;
  declare deadlineOn: string;
  declare instructions: string | null;
  declare openedBy: number | null;
  declare openedAt: CreationOptional<Date>;
  declare closedAt: Date | null;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
}

export class NeedsItem extends Model<InferAttributes<NeedsItem>, InferCreationAttributes<NeedsItem>> {
  declare id: CreationOptional<number>;
  declare callId: number;
  declare position: number;
  declare label: string;
  declare unit: string | null;
  declare measure: NeedsMeasure;
  declare description: string | null;
  declare createdAt: CreationOptional<Date>;
}

export class NeedsInvitation extends Model<InferAttributes<NeedsInvitation>, InferCreationAttributes<NeedsInvitation>> {
  declare id: CreationOptional<number>;
  declare callId: number;
  declare entityId: number;
  declare invitedAt: CreationOptional<Date>;
  declare reminderSentAt: Date | null;
}

export class NeedsAnswer extends Model<InferAttributes<NeedsAnswer>, InferCreationAttributes<NeedsAnswer>> {
  declare id: CreationOptional<number>;
  declare callId: number;
  declare entityId: number;
  declare notes: string | null;
  declare answeredBy: number | null;
  declare answeredAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
}

export class NeedsAnswerLine extends Model<InferAttributes<NeedsAnswerLine>, InferCreationAttributes<NeedsAnswerLine>> {
  declare answerId: number;
  declare itemId: number;
  declare quantity: number | null;
  declare amountCents: number | null;
}

export class TenderEvent extends Model<InferAttributes<TenderEvent>, InferCreationAttributes<TenderEvent>> {
  declare id: CreationOptional<string>;
  declare dossierId: number;
  declare at: CreationOptional<Date>;
  declare actorUserId: number | null;
  declare actorName: string | null;
  declare kind: string;
  declare summary: string;
  declare details: CreationOptional<Record<string, unknown>>;
}

/** The centre's comment on a document or a phase of a comune's own dossier (written and edited by staff only). */
export class TenderComment extends Model<InferAttributes<TenderComment>, InferCreationAttributes<TenderComment>> {
  declare id: CreationOptional<number>;
  declare dossierId: number;
  declare documentId: number | null;
  declare phase: Phase | null;
  declare body: string;
  declare authorUserId: number | null;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
}

export class FeedToken extends Model<InferAttributes<FeedToken>, InferCreationAttributes<FeedToken>> {
  declare userId: number;
  declare tokenHash: string;
  declare createdAt: CreationOptional<Date>;
}

const timestamps = { createdAt: DataTypes.DATE, updatedAt: DataTypes.DATE };

export function initTenderModels(sequelize: Sequelize): void {
  const opts = (tableName: string) => ({ sequelize, tableName, underscored: true });
  Dossier.init(
    {
      id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
      title: { type: DataTypes.TEXT, allowNull: false },
      object: { type: DataTypes.TEXT, allowNull: false },
      category: { type: DataTypes.TEXT, allowNull: false },
      cpv: DataTypes.TEXT,
      procedure: { type: DataTypes.TEXT, allowNull: false },
      estimatedValueCents: centsColumn('estimatedValueCents', false),
      rupUserId: { type: DataTypes.INTEGER, allowNull: false },
      funding: { type: DataTypes.TEXT, allowNull: false, defaultValue: 'none' },
      pnrrMeasure: DataTypes.TEXT,
      fundingNote: DataTypes.TEXT,
      cup: DataTypes.TEXT,
      phase: { type: DataTypes.TEXT, allowNull: false, defaultValue: 'needs_collection' },
      phaseChangedAt: { type: DataTypes.DATE, allowNull: false, defaultValue: DataTypes.NOW },
      isPublic: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
      cancelledReason: DataTypes.TEXT,
      awardSupplierName: DataTypes.TEXT,
      awardSupplierFiscalCode: DataTypes.TEXT,
      awardValueCents: centsColumn('awardValueCents'),
      awardDate: DataTypes.DATEONLY,
      contractValueCents: centsColumn('contractValueCents'),
      contractSignedOn: DataTypes.DATEONLY,
      createdBy: DataTypes.INTEGER,
      contractingEntityId: DataTypes.INTEGER,
      ...timestamps,
    },
    opts('tender_dossiers'),
  );
  Lot.init(
    {
      id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
      dossierId: { type: DataTypes.INTEGER, allowNull: false },
      number: { type: DataTypes.INTEGER, allowNull: false },
      title: { type: DataTypes.TEXT, allowNull: false },
      description: DataTypes.TEXT,
      cig: DataTypes.TEXT,
      valueCents: centsColumn('valueCents', false),
      status: { type: DataTypes.TEXT, allowNull: false, defaultValue: 'planned' },
      cancelledReason: DataTypes.TEXT,
      ...timestamps,
    },
    opts('tender_lots'),
  );
  Participant.init(
    {
      id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
      dossierId: { type: DataTypes.INTEGER, allowNull: false },
      entityId: { type: DataTypes.INTEGER, allowNull: false },
      status: { type: DataTypes.TEXT, allowNull: false, defaultValue: 'invited' },
      shareCents: centsColumn('shareCents'),
      adhesionFileId: DataTypes.UUID,
      adhesionUploadedAt: DataTypes.DATE,
      adhesionUploadedBy: DataTypes.INTEGER,
      note: DataTypes.TEXT,
      ...timestamps,
    },
    opts('tender_participants'),
  );
  Milestone.init(
    {
      id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
      dossierId: { type: DataTypes.INTEGER, allowNull: false },
      kind: { type: DataTypes.TEXT, allowNull: false },
      title: { type: DataTypes.TEXT, allowNull: false },
      dueOn: { type: DataTypes.DATEONLY, allowNull: false },
      dueTime: DataTypes.TEXT,
      ownerUserId: DataTypes.INTEGER,
      note: DataTypes.TEXT,
      doneAt: DataTypes.DATE,
      reminderSentAt: DataTypes.DATE,
      ...timestamps,
    },
    opts('tender_milestones'),
  );
  TenderDocument.init(
    {
      id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
      dossierId: { type: DataTypes.INTEGER, allowNull: false },
      lotId: DataTypes.INTEGER,
      type: { type: DataTypes.TEXT, allowNull: false },
      title: { type: DataTypes.TEXT, allowNull: false },
      createdBy: DataTypes.INTEGER,
      ...timestamps,
    },
    opts('tender_documents'),
  );
  DocumentVersion.init(
    {
      id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
      documentId: { type: DataTypes.INTEGER, allowNull: false },
      version: { type: DataTypes.INTEGER, allowNull: false },
      visibility: { type: DataTypes.TEXT, allowNull: false },
      fileId: { type: DataTypes.UUID, allowNull: false },
      sha256: { type: DataTypes.TEXT, allowNull: false },
      size: { type: DataTypes.INTEGER, allowNull: false },
      mime: { type: DataTypes.TEXT, allowNull: false },
      originalName: { type: DataTypes.TEXT, allowNull: false },
      note: DataTypes.TEXT,
      uploadedBy: DataTypes.INTEGER,
      uploadedAt: { type: DataTypes.DATE, allowNull: false, defaultValue: DataTypes.NOW },
    },
    { ...opts('tender_document_versions'), timestamps: false },
  );
  NeedsCall.init(
    {
      id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
      dossierId: { type: DataTypes.INTEGER, allowNull: false },
      deadlineOn: { type: DataTypes.DATEONLY, allowNull: false },
      instructions: DataTypes.TEXT,
      openedBy: DataTypes.INTEGER,
      openedAt: { type: DataTypes.DATE, allowNull: false, defaultValue: DataTypes.NOW },
      closedAt: DataTypes.DATE,
      ...timestamps,
    },
    opts('tender_needs_calls'),
  );
  NeedsItem.init(
    {
      id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
      callId: { type: DataTypes.INTEGER, allowNull: false },
      position: { type: DataTypes.INTEGER, allowNull: false },
      label: { type: DataTypes.TEXT, allowNull: false },
      unit: DataTypes.TEXT,
      measure: { type: DataTypes.TEXT, allowNull: false },
      description: DataTypes.TEXT,
      createdAt: DataTypes.DATE,
    },
    { ...opts('tender_needs_items'), updatedAt: false },
  );
  NeedsInvitation.init(
    {
      id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
      callId: { type: DataTypes.INTEGER, allowNull: false },
      entityId: { type: DataTypes.INTEGER, allowNull: false },
      invitedAt: { type: DataTypes.DATE, allowNull: false, defaultValue: DataTypes.NOW },
      reminderSentAt: DataTypes.DATE,
    },
    { ...opts('tender_needs_invitations'), timestamps: false },
  );
  NeedsAnswer.init(
    {
      id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
      callId: { type: DataTypes.INTEGER, allowNull: false },
      entityId: { type: DataTypes.INTEGER, allowNull: false },
      notes: DataTypes.TEXT,
      answeredBy: DataTypes.INTEGER,
      answeredAt: { type: DataTypes.DATE, allowNull: false, defaultValue: DataTypes.NOW },
      updatedAt: DataTypes.DATE,
    },
    { ...opts('tender_needs_answers'), createdAt: false },
  );
  NeedsAnswerLine.init(
    {
      answerId: { type: DataTypes.INTEGER, allowNull: false, primaryKey: true },
      itemId: { type: DataTypes.INTEGER, allowNull: false, primaryKey: true },
      quantity: centsColumn('quantity'),
      amountCents: centsColumn('amountCents'),
    },
    { ...opts('tender_needs_answer_lines'), timestamps: false },
  );
  TenderEvent.init(
    {
      id: { type: DataTypes.BIGINT, primaryKey: true, autoIncrement: true },
      dossierId: { type: DataTypes.INTEGER, allowNull: false },
      at: { type: DataTypes.DATE, allowNull: false, defaultValue: DataTypes.NOW },
      actorUserId: DataTypes.INTEGER,
      actorName: DataTypes.TEXT,
      kind: { type: DataTypes.TEXT, allowNull: false },
      summary: { type: DataTypes.TEXT, allowNull: false },
      details: { type: DataTypes.JSONB, allowNull: false, defaultValue: {} },
    },
    { ...opts('tender_events'), timestamps: false },
  );
  TenderComment.init(
    {
      id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
      dossierId: { type: DataTypes.INTEGER, allowNull: false },
      documentId: DataTypes.INTEGER,
      phase: DataTypes.TEXT,
      body: { type: DataTypes.TEXT, allowNull: false },
      authorUserId: DataTypes.INTEGER,
      ...timestamps,
    },
    opts('tender_comments'),
  );
  FeedToken.init(
    {
      userId: { type: DataTypes.INTEGER, primaryKey: true },
      tokenHash: { type: DataTypes.TEXT, allowNull: false },
      createdAt: DataTypes.DATE,
    },
    { ...opts('tender_feed_tokens'), updatedAt: false },
  );
}
