// Settings that admins change at run time (kept in the `settings` table, shared by every process).
import { QueryTypes, type Sequelize } from 'sequelize';
import { createBusinessCalendar, type BusinessCalendar, type BusinessCalendarOptions, type LocalHolidayInput } from './calendar.js';

export async function getSetting<T>(sequelize: Sequelize, key: string, fallback: T): Promise<T> {
  const rows = await sequelize.query<{ value: T }>('SELECT value FROM settings WHERE key = :key', { replacements: { key }, type: QueryTypes.SELECT });
  return rows.length ? rows[0].value : fallback;
}

export async function setSetting(sequelize: Sequelize, key: string, value: unknown): Promise<void> {
  await sequelize.query(
    `INSERT INTO settings (key, value, updated_at) VALUES (:key, :value::jsonb, now())
     ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = now()`,
    { replacements: { key, value: JSON.stringify(value) } },
  );
}

export const CALENDAR_SETTING = 'business_calendar';
export type CalendarSetting = Pick<BusinessCalendarOptions, 'openingTime' | 'closingTime' | 'workingDays'> & { localHolidays: LocalHolidayInput[] };

/** The centre's business calendar: Mon–Fri 9–17 Europe/Rome, Italian holidays, plus the local ones admins set. */
export async function loadBusinessCalendar(sequelize: Sequelize): Promise<BusinessCalendar> {
  const setting = await getSetting<CalendarSetting>(sequelize, CALENDAR_SETTING, { localHolidays: [] });
  return createBusinessCalendar({ timeZone: 'Europe/Rome', ...setting });
}
