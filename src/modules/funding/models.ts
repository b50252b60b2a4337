// Sequelize models of the funding area. Amounts are integer cents in bigint columns: pg returns them
// as strings, so each one has a getter that gives back a number.
import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type Sequelize } from 'sequelize';
import { centsColumn } from '../../platform/columns.js';
import type { AmountBand, AmountRule, CallSource, ProjectState } from './stages.js';


export class FundingCall extends Model<InferAttributes<FundingCall>, InferCreationAttributes<FundingCall>> {
  declare id: CreationOptional<number>;
  declare source: CallSource;
  declare measure: string | null;
  declare title: string;
  declare eligibleKinds: CreationOptional<string[]>;
  declare eligibleText: string | null;
  declare opensOn: string;
  declare closesOn: string;
  declare budgetCents: number | null;
  declare amountRule: CreationOptional<AmountRule>;
  declare amountFixedCents: number | null;
  declare amountPercent: number | null;
  declare amountCapCents: number | null;
  declare amountBands: CreationOptional<AmountBand[]>;
  declare firstCome: CreationOptional<boolean>;
  declare url: string | null;
  declare rules: CreationOptional<Record<string, number>>;
  declare origin: CreationOptional<'manual' | 'opendata'>;
  declare createdBy: number | null;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
}

export class FundingProject extends Model<InferAttributes<FundingProject>, InferCreationAttributes<FundingProject>> {
  declare id: CreationOptional<number>;
  declare entityId: number;
  declare callId: number;
  declare title: string | null;
  declare amountCents: number;
  declare state: CreationOptional<ProjectState>;
  declare stateOn: string | null;
  declare cup: string | null;
  declare decree: string | null;
  declare windowNumber: number | null;
  declare protocol: string | null;
  declare submittedOn: string | null;
  declare admittedOn: string | null;
  declare fundedOn: string | null;
  declare cupOn: string | null;
  declare contractOn: string | null;
  declare completedOn: string | null;
  declare asseveratedOn: string | null;
  declare creOn: string | null;
  declare paymentRequestedOn: string | null;
  declare paidOn: string | null;
  declare importKey: string | null;
  declare tenderDossierId: CreationOptional<number | null>;
  declare coachingActionId: CreationOptional<number | null>;
  declare createdBy: number | null;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
}

const date = (allowNull = true) => ({ type: DataTypes.DATEONLY, allowNull });

export function initFundingModels(sequelize: Sequelize): void {
  FundingCall.init(
    {
      id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
      source: { type: DataTypes.TEXT, allowNull: false },
      measure: { type: DataTypes.TEXT, allowNull: true },
      title: { type: DataTypes.TEXT, allowNull: false },
      eligibleKinds: { type: DataTypes.ARRAY(DataTypes.TEXT), allowNull: false, defaultValue: [] },
      eligibleText: { type: DataTypes.TEXT, allowNull: true },
      opensOn: date(false),
      closesOn: date(false),
      budgetCents: centsColumn('budgetCents'),
      amountRule: { type: DataTypes.TEXT, allowNull: false, defaultValue: 'none' },
      amountFixedCents: centsColumn('amountFixedCents'),
      amountPercent: {
        type: DataTypes.DECIMAL(5, 2),
        allowNull: true,
        get(this: Model) {
          const v = this.getDataValue('amountPercent') as string | number | null;
          return v === null || v === undefined ? null : Number(v);
        },
      },
      amountCapCents: centsColumn('amountCapCents'),
      amountBands: { type: DataTypes.JSONB, allowNull: false, defaultValue: [] },
      firstCome: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
      url: { type: DataTypes.TEXT, allowNull: true },
      rules: { type: DataTypes.JSONB, allowNull: false, defaultValue: {} },
      origin: { type: DataTypes.TEXT, allowNull: false, defaultValue: 'manual' },
      createdBy: { type: DataTypes.INTEGER, allowNull: true },
      createdAt: DataTypes.DATE,
      updatedAt: DataTypes.DATE,
    },
    { sequelize, tableName: 'funding_calls', underscored: true },
  );
  FundingProject.init(
    {
      id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
      entityId: { type: DataTypes.INTEGER, allowNull: false },
      callId: { type: DataTypes.INTEGER, allowNull: false },
      title: { type: DataTypes.TEXT, allowNull: true },
      amountCents: centsColumn('amountCents', false),
      state: { type: DataTypes.TEXT, allowNull: false, defaultValue: 'preparing' },
      stateOn: date(),
      cup: { type: DataTypes.TEXT, allowNull: true },
      decree: { type: DataTypes.TEXT, allowNull: true },
      windowNumber: { type: DataTypes.INTEGER, allowNull: true },
      protocol: { type: DataTypes.TEXT, allowNull: true },
      submittedOn: date(),
      admittedOn: date(),
      fundedOn: date(),
      cupOn: date(),
      contractOn: date(),
      completedOn: date(),
      asseveratedOn: date(),
      creOn: date(),
      paymentRequestedOn: date(),
      paidOn: date(),
      importKey: { type: DataTypes.TEXT, allowNull: true },
      tenderDossierId: { type: DataTypes.INTEGER, allowNull: true },
      coachingActionId: { type: DataTypes.INTEGER, allowNull: true },
      createdBy: { type: DataTypes.INTEGER, allowNull: true },
      createdAt: DataTypes.DATE,
      updatedAt: DataTypes.DATE,
    },
    { sequelize, tableName: 'funding_projects', underscored: true },
  );
  FundingProject.belongsTo(FundingCall, { foreignKey: 'callId', as: 'call' });
  FundingCall.hasMany(FundingProject, { foreignKey: 'callId', as: 'projects' });
}
