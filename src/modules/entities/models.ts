import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type Sequelize } from 'sequelize';

import { IPA_KINDS, type IpaKind } from '../../platform/vocabulary.js';

/** The kinds of bodies are IndicePA's national vocabulary (src/platform/vocabulary.ts). */
export const ENTITY_KINDS = IPA_KINDS;
export type EntityKind = IpaKind;
export const MEMBERSHIP_STATUSES = ['prospect', 'active', 'suspended', 'withdrawn'] as const;
export type MembershipStatus = (typeof MEMBERSHIP_STATUSES)[number];

/** A public body (ente): a comune, a provincia, … that adheres to the centre by a convention. */
export class Entity extends Model<InferAttributes<Entity>, InferCreationAttributes<Entity>> {
  declare id: CreationOptional<number>;
  /** codiceIPA: the body's code in IndicePA, the national index of public administrations (e.g. c_h501). */
  declare ipaCode: string;
  declare name: string;
  declare fiscalCode: string | null;
  declare istatCode: string | null;
  declare kind: EntityKind;
  declare provinceCode: string | null;
  declare region: string | null;
  declare population: number | null;
  declare membershipStatus: CreationOptional<MembershipStatus>;
  declare joinedOn: string | null;
  declare conventionExpiresOn: string | null;
  declare isLead: CreationOptional<boolean>;
  declare isCedent: CreationOptional<boolean>;
  declare rtdUserId: number | null;
  declare email: string | null;
  declare website: string | null;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
}

export function initEntityModels(sequelize: Sequelize): void {
  Entity.init(
    {
      id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
      ipaCode: { type: DataTypes.TEXT, allowNull: false },
      name: { type: DataTypes.TEXT, allowNull: false },
      fiscalCode: DataTypes.TEXT,
      istatCode: DataTypes.TEXT,
      kind: { type: DataTypes.TEXT, allowNull: false },
      provinceCode: DataTypes.TEXT,
      region: DataTypes.TEXT,
      population: DataTypes.INTEGER,
      membershipStatus: { type: DataTypes.TEXT, allowNull: false, defaultValue: 'prospect' },
      joinedOn: DataTypes.DATEONLY,
      conventionExpiresOn: DataTypes.DATEONLY,
      isLead: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
      isCedent: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
      rtdUserId: DataTypes.INTEGER,
      email: DataTypes.TEXT,
      website: DataTypes.TEXT,
      createdAt: DataTypes.DATE,
      updatedAt: DataTypes.DATE,
    },
    { sequelize, tableName: 'entities', underscored: true },
  );
}
