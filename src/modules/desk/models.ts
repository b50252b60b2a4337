import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type Sequelize } from 'sequelize';
import type { RequestCategory, RequestChannel, RequestPriority, RequestState } from './states.js';

/** A request of a body to the centre (legal, strategic, procurement, technical, reuse, other). */
export class DeskRequest extends Model<InferAttributes<DeskRequest>, InferCreationAttributes<DeskRequest>> {
  declare id: CreationOptional<number>;
  declare entityId: number;
  declare requesterId: number | null;
  declare category: RequestCategory;
  declare priority: RequestPriority;
  declare state: RequestState;
  declare subject: string;
  declare description: string;
  declare assigneeId: CreationOptional<number | null>;
  declare assetId: CreationOptional<number | null>;
  declare assetSlug: CreationOptional<string | null>;
  declare assetName: CreationOptional<string | null>;
  declare firstResponseAt: CreationOptional<Date | null>;
  declare resolvedAt: CreationOptional<Date | null>;
  declare closedAt: CreationOptional<Date | null>;
  declare lastActivityAt: CreationOptional<Date>;
  declare firstResponseDueAt: CreationOptional<Date | null>;
  declare resolutionDueAt: CreationOptional<Date | null>;
  declare firstResponseMinutes: CreationOptional<number | null>;
  declare resolutionMinutes: CreationOptional<number | null>;
  declare firstResponseMet: CreationOptional<boolean | null>;
  declare resolutionMet: CreationOptional<boolean | null>;
  declare messageCount: CreationOptional<number>;
  declare channel: CreationOptional<RequestChannel>;
  /** The operator who recorded a request taken by phone, e-mail, at the counter or in a meeting. */
  declare recordedBy: CreationOptional<number | null>;
  /** A person of the body without an account, for whom staff recorded the request. */
  declare contactName: CreationOptional<string | null>;
  declare contactEmail: CreationOptional<string | null>;
  declare contactPhone: CreationOptional<string | null>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
}

/** A public reply (body or staff) or an internal note (staff only, never shown to the body). */
export class DeskMessage extends Model<InferAttributes<DeskMessage>, InferCreationAttributes<DeskMessage>> {
  declare id: CreationOptional<number>;
  declare requestId: number;
  declare authorId: number | null;
  declare authorName: string;
  declare side: 'body' | 'staff';
  declare internal: boolean;
  declare body: string;
  declare createdAt: CreationOptional<Date>;
}

export class DeskAttachment extends Model<InferAttributes<DeskAttachment>, InferCreationAttributes<DeskAttachment>> {
  declare id: CreationOptional<number>;
  declare requestId: number;
  declare messageId: number | null;
  declare fileId: string;
  declare internal: boolean;
  declare uploadedBy: number | null;
  declare createdAt: CreationOptional<Date>;
}

export type DeskEventKind = 'created' | 'state' | 'assignee' | 'priority' | 'category';

/** One line of a request's history: who changed what, when. */
export class DeskEvent extends Model<InferAttributes<DeskEvent>, InferCreationAttributes<DeskEvent>> {
  declare id: CreationOptional<number>;
  declare requestId: number;
  declare at: Date;
  declare actorId: number | null;
  declare actorName: string;
  declare kind: DeskEventKind;
  declare fromValue: string | null;
  declare toValue: string | null;
  declare action: string | null;
}

export class DeskSurvey extends Model<InferAttributes<DeskSurvey>, InferCreationAttributes<DeskSurvey>> {
  declare id: CreationOptional<number>;
  declare requestId: number;
  declare recipientId: number | null;
  declare createdAt: CreationOptional<Date>;
  declare expiresAt: Date;
  declare answeredAt: CreationOptional<Date | null>;
  declare withdrawnAt: CreationOptional<Date | null>;
  declare rating: CreationOptional<number | null>;
  declare comment: CreationOptional<string | null>;
}

export type ArticleStatus = 'draft' | 'published' | 'archived';

export class KbArticle extends Model<InferAttributes<KbArticle>, InferCreationAttributes<KbArticle>> {
  declare id: CreationOptional<number>;
  declare slug: string;
  declare title: string;
  declare summary: string;
  declare body: string;
  declare category: RequestCategory;
  declare tags: string[];
  declare status: ArticleStatus;
  declare showBody: boolean;
  declare sourceRequestId: number | null;
  declare authorId: number | null;
  declare publishedAt: Date | null;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
}

export function initDeskModels(sequelize: Sequelize): void {
  DeskRequest.init(
    {
      id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
      entityId: { type: DataTypes.INTEGER, allowNull: false },
      requesterId: DataTypes.INTEGER,
      category: { type: DataTypes.TEXT, allowNull: false },
      priority: { type: DataTypes.TEXT, allowNull: false, defaultValue: 'normal' },
      state: { type: DataTypes.TEXT, allowNull: false, defaultValue: 'new' },
      subject: { type: DataTypes.TEXT, allowNull: false },
      description: { type: DataTypes.TEXT, allowNull: false },
      assigneeId: DataTypes.INTEGER,
      assetId: DataTypes.INTEGER,
      assetSlug: DataTypes.TEXT,
      assetName: DataTypes.TEXT,
      firstResponseAt: DataTypes.DATE,
      resolvedAt: DataTypes.DATE,
      closedAt: DataTypes.DATE,
      lastActivityAt: { type: DataTypes.DATE, allowNull: false, defaultValue: DataTypes.NOW },
      firstResponseDueAt: DataTypes.DATE,
      resolutionDueAt: DataTypes.DATE,
      firstResponseMinutes: { type: DataTypes.DECIMAL, get() { const v = this.getDataValue('firstResponseMinutes'); return v == null ? null : Number(v); } },
      resolutionMinutes: { type: DataTypes.DECIMAL, get() { const v = this.getDataValue('resolutionMinutes'); return v == null ? null : Number(v); } },
      firstResponseMet: DataTypes.BOOLEAN,
      resolutionMet: DataTypes.BOOLEAN,
      messageCount: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
      channel: { type: DataTypes.TEXT, allowNull: false, defaultValue: 'portale' },
      recordedBy: DataTypes.INTEGER,
      contactName: DataTypes.TEXT,
      contactEmail: DataTypes.TEXT,
      contactPhone: DataTypes.TEXT,
      createdAt: DataTypes.DATE,
      updatedAt: DataTypes.DATE,
    },
    { sequelize, tableName: 'desk_requests', underscored: true },
  );
  DeskMessage.init(
    {
      id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
      requestId: { type: DataTypes.INTEGER, allowNull: false },
      authorId: DataTypes.INTEGER,
      authorName: { type: DataTypes.TEXT, allowNull: false, defaultValue: '' },
      side: { type: DataTypes.TEXT, allowNull: false },
      internal: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
      body: { type: DataTypes.TEXT, allowNull: false },
      createdAt: DataTypes.DATE,
    },
    { sequelize, tableName: 'desk_messages', underscored: true, updatedAt: false },
  );
  DeskAttachment.init(
    {
      id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
      requestId: { type: DataTypes.INTEGER, allowNull: false },
      messageId: DataTypes.INTEGER,
      fileId: { type: DataTypes.UUID, allowNull: false },
      internal: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
      uploadedBy: DataTypes.INTEGER,
      createdAt: DataTypes.DATE,
    },
    { sequelize, tableName: 'desk_attachments', underscored: true, updatedAt: false },
  );
  DeskEvent.init(
    {
      id: { type: DataTypes.BIGINT, primaryKey: true, autoIncrement: true },
      requestId: { type: DataTypes.INTEGER, allowNull: false },
      at: { type: DataTypes.DATE, allowNull: false },
      actorId: DataTypes.INTEGER,
      actorName: { type: DataTypes.TEXT, allowNull: false, defaultValue: '' },
      kind: { type: DataTypes.TEXT, allowNull: false },
      fromValue: DataTypes.TEXT,
      toValue: DataTypes.TEXT,
      action: DataTypes.TEXT,
    },
    { sequelize, tableName: 'desk_events', underscored: true, timestamps: false },
  );
  DeskSurvey.init(
    {
      id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
      requestId: { type: DataTypes.INTEGER, allowNull: false },
      recipientId: DataTypes.INTEGER,
      createdAt: DataTypes.DATE,
      expiresAt: { type: DataTypes.DATE, allowNull: false },
      answeredAt: DataTypes.DATE,
      withdrawnAt: DataTypes.DATE,
      rating: DataTypes.SMALLINT,
      comment: DataTypes.TEXT,
    },
    { sequelize, tableName: 'desk_surveys', underscored: true, updatedAt: false },
  );
  KbArticle.init(
    {
      id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
      slug: { type: DataTypes.TEXT, allowNull: false },
      title: { type: DataTypes.TEXT, allowNull: false },
      summary: { type: DataTypes.TEXT, allowNull: false, defaultValue: '' },
      body: { type: DataTypes.TEXT, allowNull: false },
      category: { type: DataTypes.TEXT, allowNull: false },
      tags: { type: DataTypes.ARRAY(DataTypes.TEXT), allowNull: false, defaultValue: [] },
      status: { type: DataTypes.TEXT, allowNull: false, defaultValue: 'draft' },
      showBody: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
      sourceRequestId: DataTypes.INTEGER,
      authorId: DataTypes.INTEGER,
      publishedAt: DataTypes.DATE,
      createdAt: DataTypes.DATE,
      updatedAt: DataTypes.DATE,
    },
    { sequelize, tableName: 'kb_articles', underscored: true },
  );
}
