// Sequelize models of the training area: cycles and their sessions. Registrations, attendance,
// certificates and the ledger are read and written in SQL by the services (row locks, sums).
import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type Sequelize } from 'sequelize';
import type { Audience, Mode } from './schemas.js';

export class TrainingCycle extends Model<InferAttributes<TrainingCycle>, InferCreationAttributes<TrainingCycle>> {
  declare id: CreationOptional<number>;
  declare title: string;
  declare description: string;
  declare audience: Audience;
  declare competences: string[];
  declare level: 'base' | 'intermediate' | 'advanced';
  declare hours: number;
  declare organiser: string;
  declare speakers: string;
  declare attendancePercent: number;
  declare offerHours: number;
  declare seatsPerBody: number | null;
  declare reservedUntil: string | null;
  declare retentionDays: number;
  declare state: 'draft' | 'published' | 'cancelled';
  declare createdBy: number | null;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
}

export class TrainingSession extends Model<InferAttributes<TrainingSession>, InferCreationAttributes<TrainingSession>> {
  declare id: CreationOptional<number>;
  declare cycleId: number;
  declare title: string;
  declare startsAt: Date;
  declare durationMinutes: number;
  declare mode: Mode;
  declare link: string | null;
  declare place: string | null;
  declare capacity: number;
  declare speakerUserId: number | null;
  declare state: CreationOptional<'scheduled' | 'cancelled'>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
}

export function initTrainingModels(sequelize: Sequelize): void {
  TrainingCycle.init(
    {
      id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
      title: { type: DataTypes.TEXT, allowNull: false },
      description: { type: DataTypes.TEXT, allowNull: false, defaultValue: '' },
      audience: { type: DataTypes.TEXT, allowNull: false },
      competences: { type: DataTypes.ARRAY(DataTypes.TEXT), allowNull: false, defaultValue: [] },
      level: { type: DataTypes.TEXT, allowNull: false, defaultValue: 'base' },
      hours: {
        type: DataTypes.DECIMAL(6, 2),
        allowNull: false,
        get(this: Model) {
          return Number(this.getDataValue('hours'));
        },
      },
      organiser: { type: DataTypes.TEXT, allowNull: false, defaultValue: '' },
      speakers: { type: DataTypes.TEXT, allowNull: false, defaultValue: '' },
      attendancePercent: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 80 },
      offerHours: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 24 },
      seatsPerBody: { type: DataTypes.INTEGER, allowNull: true },
      reservedUntil: { type: DataTypes.DATEONLY, allowNull: true },
      retentionDays: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 90 },
      state: { type: DataTypes.TEXT, allowNull: false, defaultValue: 'published' },
      createdBy: { type: DataTypes.INTEGER, allowNull: true },
      createdAt: DataTypes.DATE,
      updatedAt: DataTypes.DATE,
    },
    { sequelize, tableName: 'training_cycles', underscored: true },
  );
  TrainingSession.init(
    {
      id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
      cycleId: { type: DataTypes.INTEGER, allowNull: false },
      title: { type: DataTypes.TEXT, allowNull: false },
      startsAt: { type: DataTypes.DATE, allowNull: false },
      durationMinutes: { type: DataTypes.INTEGER, allowNull: false },
      mode: { type: DataTypes.TEXT, allowNull: false },
      link: { type: DataTypes.TEXT, allowNull: true },
      place: { type: DataTypes.TEXT, allowNull: true },
      capacity: { type: DataTypes.INTEGER, allowNull: false },
      speakerUserId: { type: DataTypes.INTEGER, allowNull: true },
      state: { type: DataTypes.TEXT, allowNull: false, defaultValue: 'scheduled' },
      createdAt: DataTypes.DATE,
      updatedAt: DataTypes.DATE,
    },
    { sequelize, tableName: 'training_sessions', underscored: true },
  );
  TrainingSession.belongsTo(TrainingCycle, { foreignKey: 'cycleId', as: 'cycle' });
  TrainingCycle.hasMany(TrainingSession, { foreignKey: 'cycleId', as: 'sessions' });
}
