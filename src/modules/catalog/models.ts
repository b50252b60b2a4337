// Catalogue models: assets, their files and workflow history, adoptions by bodies, pending imports.
import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type Sequelize } from 'sequelize';
import type { PubliccodeAsset, PubliccodeWarning } from './publiccode.js';

export const ASSET_KINDS = ['software', 'template', 'toolkit', 'service'] as const;
export type AssetKind = (typeof ASSET_KINDS)[number];
export const ASSET_STATUSES = ['draft', 'submitted', 'published', 'returned', 'archived'] as const;
export type AssetStatus = (typeof ASSET_STATUSES)[number];
export const ADOPTION_STATUSES = ['interested', 'evaluating', 'in_use', 'dismissed'] as const;
export type AdoptionStatus = (typeof ADOPTION_STATUSES)[number];
export const FILE_ROLES = ['attachment', 'screenshot', 'logo'] as const;
export type FileRole = (typeof FILE_ROLES)[number];
export type AssetSource = 'form' | 'upload' | 'paste' | 'cli' | 'seed';

/** A reusable asset: software (publiccode.yml), a document template, a toolkit/method or a shared service. */
export class Asset extends Model<InferAttributes<Asset>, InferCreationAttributes<Asset>> {
  declare id: CreationOptional<number>;
  declare slug: string;
  declare kind: AssetKind;
  declare status: CreationOptional<AssetStatus>;
  declare archivedFrom: AssetStatus | null;
  /** The cedent body (ente cedente); null when the publisher is not a body of the centre. */
  declare entityId: number | null;
  declare name: string;
  declare url: string | null;
  declare urlKey: string | null;
  declare shortDescription: string | null;
  /** Who publishes it according to the file (organisation.name or the copyright owner), shown when entityId is null. */
  declare publisher: string | null;
  declare softwareVersion: string | null;
  declare releaseDate: string | null;
  declare developmentStatus: string | null;
  declare softwareType: string | null;
  declare license: string | null;
  declare categories: CreationOptional<string[]>;
  declare scopes: CreationOptional<string[]>;
  declare platforms: CreationOptional<string[]>;
  declare italianPlatforms: CreationOptional<string[]>;
  declare pnrrMeasures: CreationOptional<string[]>;
  declare tags: CreationOptional<string[]>;
  /** For a template: the type of tender document it models (a code of the tenders area, e.g. determina_a_contrarre), or null. */
  declare documentType: CreationOptional<string | null>;
  /** The whole publiccode.yml content as the parser reads it (the source of the detail page and of the export). */
  declare publiccode: PubliccodeAsset;
  declare warnings: CreationOptional<PubliccodeWarning[]>;
  declare complete: CreationOptional<boolean>;
  declare inUseCount: CreationOptional<number>;
  declare adoptionCount: CreationOptional<number>;
  declare source: CreationOptional<AssetSource>;
  declare reviewComment: string | null;
  declare createdBy: number | null;
  declare updatedBy: number | null;
  declare submittedBy: number | null;
  declare submittedAt: Date | null;
  declare publishedAt: Date | null;
  declare archivedAt: Date | null;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
}

export class AssetFile extends Model<InferAttributes<AssetFile>, InferCreationAttributes<AssetFile>> {
  declare id: CreationOptional<number>;
  declare assetId: number;
  declare fileId: string;
  declare role: FileRole;
  declare title: string;
  declare position: CreationOptional<number>;
  declare uploadedBy: number | null;
  declare createdAt: CreationOptional<Date>;
}

export class AssetEvent extends Model<InferAttributes<AssetEvent>, InferCreationAttributes<AssetEvent>> {
  declare id: CreationOptional<number>;
  declare assetId: number;
  declare action: string;
  declare fromStatus: string | null;
  declare toStatus: string | null;
  declare comment: string | null;
  declare actorUserId: number | null;
  declare at: CreationOptional<Date>;
}

/** A body's declaration about an asset: interested, evaluating, in use or dismissed, since a date. */
export class Adoption extends Model<InferAttributes<Adoption>, InferCreationAttributes<Adoption>> {
  declare id: CreationOptional<number>;
  declare assetId: number;
  declare entityId: number;
  declare status: AdoptionStatus;
  declare since: string;
  declare note: string | null;
  declare declaredBy: number | null;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
}

export class PendingImport extends Model<InferAttributes<PendingImport>, InferCreationAttributes<PendingImport>> {
  declare token: CreationOptional<string>;
  declare userId: number;
  declare entityId: number | null;
  declare source: 'upload' | 'paste';
  declare fileName: string | null;
  declare content: string;
  declare createdAt: CreationOptional<Date>;
}

const arr = () => ({ type: DataTypes.ARRAY(DataTypes.TEXT), allowNull: false, defaultValue: [] as string[] });

export function initCatalogModels(sequelize: Sequelize): void {
  Asset.init(
    {
      id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
      slug: { type: DataTypes.TEXT, allowNull: false },
      kind: { type: DataTypes.TEXT, allowNull: false },
      status: { type: DataTypes.TEXT, allowNull: false, defaultValue: 'draft' },
      archivedFrom: DataTypes.TEXT,
      entityId: DataTypes.INTEGER,
      name: { type: DataTypes.TEXT, allowNull: false },
      url: DataTypes.TEXT,
      urlKey: DataTypes.TEXT,
      shortDescription: DataTypes.TEXT,
      publisher: DataTypes.TEXT,
      softwareVersion: DataTypes.TEXT,
      releaseDate: DataTypes.DATEONLY,
      developmentStatus: DataTypes.TEXT,
      softwareType: DataTypes.TEXT,
      license: DataTypes.TEXT,
      categories: arr(),
      scopes: arr(),
      platforms: arr(),
      italianPlatforms: arr(),
      pnrrMeasures: arr(),
      tags: arr(),
      documentType: DataTypes.TEXT,
      publiccode: { type: DataTypes.JSONB, allowNull: false },
      warnings: { type: DataTypes.JSONB, allowNull: false, defaultValue: [] },
      complete: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
      inUseCount: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
      adoptionCount: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
      source: { type: DataTypes.TEXT, allowNull: false, defaultValue: 'form' },
      reviewComment: DataTypes.TEXT,
      createdBy: DataTypes.INTEGER,
      updatedBy: DataTypes.INTEGER,
      submittedBy: DataTypes.INTEGER,
      submittedAt: DataTypes.DATE,
      publishedAt: DataTypes.DATE,
      archivedAt: DataTypes.DATE,
      createdAt: DataTypes.DATE,
      updatedAt: DataTypes.DATE,
    },
    { sequelize, tableName: 'catalog_assets', underscored: true },
  );
  AssetFile.init(
    {
      id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
      assetId: { type: DataTypes.INTEGER, allowNull: false },
      fileId: { type: DataTypes.UUID, allowNull: false },
      role: { type: DataTypes.TEXT, allowNull: false },
      title: { type: DataTypes.TEXT, allowNull: false },
      position: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
      uploadedBy: DataTypes.INTEGER,
      createdAt: DataTypes.DATE,
    },
    { sequelize, tableName: 'catalog_asset_files', underscored: true, updatedAt: false },
  );
  AssetEvent.init(
    {
      id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
      assetId: { type: DataTypes.INTEGER, allowNull: false },
      action: { type: DataTypes.TEXT, allowNull: false },
      fromStatus: DataTypes.TEXT,
      toStatus: DataTypes.TEXT,
      comment: DataTypes.TEXT,
      actorUserId: DataTypes.INTEGER,
      at: { type: DataTypes.DATE, allowNull: false, defaultValue: DataTypes.NOW },
    },
    { sequelize, tableName: 'catalog_asset_events', underscored: true, timestamps: false },
  );
  Adoption.init(
    {
      id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
      assetId: { type: DataTypes.INTEGER, allowNull: false },
      entityId: { type: DataTypes.INTEGER, allowNull: false },
      status: { type: DataTypes.TEXT, allowNull: false },
      since: { type: DataTypes.DATEONLY, allowNull: false },
      note: DataTypes.TEXT,
      declaredBy: DataTypes.INTEGER,
      createdAt: DataTypes.DATE,
      updatedAt: DataTypes.DATE,
    },
    { sequelize, tableName: 'catalog_adoptions', underscored: true },
  );
  PendingImport.init(
    {
      token: { type: DataTypes.UUID, primaryKey: true, defaultValue: DataTypes.UUIDV4 },
      userId: { type: DataTypes.INTEGER, allowNull: false },
      entityId: DataTypes.INTEGER,
      source: { type: DataTypes.TEXT, allowNull: false },
      fileName: DataTypes.TEXT,
      content: { type: DataTypes.TEXT, allowNull: false },
      createdAt: DataTypes.DATE,
    },
    { sequelize, tableName: 'catalog_pending_imports', underscored: true, updatedAt: false },
  );
}
