// Column definitions shared by the areas' Sequelize models.
import { DataTypes, type Model, type ModelAttributeColumnOptions } from 'sequelize';

/** Integer cents in a bigint column: pg returns bigints as strings, so the getter gives back a number. */
export function centsColumn(name: string, allowNull = true): ModelAttributeColumnOptions {
  return {
    type: DataTypes.BIGINT,
    allowNull,
    get(this: Model) {
      const v = this.getDataValue(name) as string | number | null;
      return v === null || v === undefined ? null : Number(v);
    },
  };
}
