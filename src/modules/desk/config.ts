// The desk's run-time settings (SLA targets per category, auto-close delay, supervisors) and the
// business calendar, read from the settings table and cached in each process on its version.
import type { Sequelize } from 'sequelize';
import { DataCache } from '../../platform/cache.js';
import type { BusinessCalendar } from '../../platform/calendar.js';
import { getSetting, loadBusinessCalendar, setSetting } from '../../platform/settings.js';
import { DEFAULT_AUTO_CLOSE_BUSINESS_DAYS, DEFAULT_SLA_TARGETS, REQUEST_CATEGORIES, type RequestCategory, type SlaTargets } from './states.js';
import { DEFAULT_WARNING_RATIO } from './sla.js';

export const DESK_SETTING = 'desk';

export type DeskSettings = {
  /** Business minutes per category. */
  slaTargets: Record<RequestCategory, SlaTargets>;
  /** Business days after resolution before a request closes by itself. */
  autoCloseBusinessDays: number;
  /**
   * Staff who supervise the desk: they get SLA warnings and new-request notices. Empty means
   * every active administrator.
   */
  supervisorIds: number[];
  /** Share of a target consumed from which a clock is "about to be missed". */
  warningRatio: number;
  /** Days a satisfaction survey link stays valid. */
  surveyValidDays: number;
};

export const DEFAULT_DESK_SETTINGS: DeskSettings = {
  slaTargets: Object.fromEntries(REQUEST_CATEGORIES.map((c) => [c, { ...DEFAULT_SLA_TARGETS[c] }])) as Record<RequestCategory, SlaTargets>,
  autoCloseBusinessDays: DEFAULT_AUTO_CLOSE_BUSINESS_DAYS,
  supervisorIds: [],
  warningRatio: DEFAULT_WARNING_RATIO,
  surveyValidDays: 30,
};

function merge(stored: Partial<DeskSettings> | null): DeskSettings {
  const s = stored ?? {};
  const slaTargets = { ...DEFAULT_DESK_SETTINGS.slaTargets };
  for (const c of REQUEST_CATEGORIES) {
    const t = s.slaTargets?.[c];
    if (t && t.firstResponseMinutes > 0 && t.resolutionMinutes > 0) slaTargets[c] = { firstResponseMinutes: t.firstResponseMinutes, resolutionMinutes: t.resolutionMinutes };
  }
  return {
    slaTargets,
    autoCloseBusinessDays: Number.isInteger(s.autoCloseBusinessDays) && s.autoCloseBusinessDays! >= 1 ? s.autoCloseBusinessDays! : DEFAULT_DESK_SETTINGS.autoCloseBusinessDays,
    supervisorIds: Array.isArray(s.supervisorIds) ? s.supervisorIds.filter((n) => Number.isInteger(n)) : [],
    warningRatio: typeof s.warningRatio === 'number' && s.warningRatio > 0 && s.warningRatio <= 1 ? s.warningRatio : DEFAULT_WARNING_RATIO,
    surveyValidDays: Number.isInteger(s.surveyValidDays) && s.surveyValidDays! >= 1 ? s.surveyValidDays! : DEFAULT_DESK_SETTINGS.surveyValidDays,
  };
}

export type DeskConfig = { settings: DeskSettings; calendar: BusinessCalendar };

// Keyed on the settings table's version: an admin's change, made by any process, is used by every
// process from its next read. The TTL only renews the calendar once in a while.
const configCache = new DataCache<DeskConfig>({ name: 'desk-config', tables: ['settings'], max: 4, ttlMs: 10 * 60_000 });

/** Settings and calendar (one statement when cached). */
export function deskConfig(sequelize: Sequelize): Promise<DeskConfig> {
  return configCache.fetch(sequelize, DESK_SETTING, async () => ({
    settings: merge(await getSetting<Partial<DeskSettings> | null>(sequelize, DESK_SETTING, null)),
    calendar: await loadBusinessCalendar(sequelize),
  }));
}

export async function saveDeskSettings(sequelize: Sequelize, settings: DeskSettings): Promise<void> {
  await setSetting(sequelize, DESK_SETTING, settings);
}
