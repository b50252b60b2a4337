import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type Sequelize } from 'sequelize';
import type { Role } from '../../platform/actor.js';

export type UserStatus = 'invited' | 'active' | 'disabled';

export class User extends Model<InferAttributes<User>, InferCreationAttributes<User>> {
  declare id: CreationOptional<number>;
  declare email: string;
  declare name: CreationOptional<string>;
  declare passwordHash: string | null;
  declare role: Role;
  declare entityId: number | null;
  declare status: CreationOptional<UserStatus>;
  declare notifyOptional: CreationOptional<boolean>;
  declare locale: CreationOptional<string>;
  declare lastLoginAt: Date | null;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
}

export function initAccountModels(sequelize: Sequelize): void {
  User.init(
    {
      id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
      email: { type: DataTypes.TEXT, allowNull: false },
      name: { type: DataTypes.TEXT, allowNull: false, defaultValue: '' },
      passwordHash: DataTypes.TEXT,
      role: { type: DataTypes.TEXT, allowNull: false },
      entityId: DataTypes.INTEGER,
      status: { type: DataTypes.TEXT, allowNull: false, defaultValue: 'invited' },
      notifyOptional: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: true },
      locale: { type: DataTypes.TEXT, allowNull: false, defaultValue: 'it' },
      lastLoginAt: DataTypes.DATE,
      createdAt: DataTypes.DATE,
      updatedAt: DataTypes.DATE,
    },
    { sequelize, tableName: 'users', underscored: true },
  );
  // users.entity_id is a plain foreign key to the shared `entities` table: the body's name and the
  // rest come from the entities area's face, not from a Sequelize association across areas.
}
