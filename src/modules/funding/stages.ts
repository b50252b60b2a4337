// The pure core of the funding area: states of calls and projects, the open data's state letters,
// the amount a call grants a body, and the stages of a project with their due dates computed from
// the call's rules. Values in, values out: unit-tested without a database.
//
// Days are calendar days on ISO dates (YYYY-MM-DD, a day in Rome); "today" is handed in.
import { DateTime } from 'luxon';
import type { Message } from '../../platform/messages.js';
import { msg } from '../../platform/messages.js';

// ---- Calls ----

export const CALL_SOURCES = ['pnrr', 'regional', 'national', 'eu', 'other'] as const;
export type CallSource = (typeof CALL_SOURCES)[number];
// Labels: funding:source.<code>

/** In arrivo (not open yet), aperto, chiuso: derived from the dates, never stored. */
export const CALL_STATES = ['upcoming', 'open', 'closed'] as const;
export type CallState = (typeof CALL_STATES)[number];

export function callState(opensOn: string, closesOn: string, today: string): CallState {
  if (today < opensOn) return 'upcoming';
  if (today > closesOn) return 'closed';
  return 'open';
}

export const AMOUNT_RULES = ['none', 'fixed', 'population_band', 'percent'] as const;
export type AmountRule = (typeof AMOUNT_RULES)[number];

/** A population band: bodies up to `upTo` inhabitants (null: no upper bound) get `cents`. */
export type AmountBand = { upTo: number | null; cents: number };

export type AmountRuleOf = {
  amountRule: AmountRule;
  amountFixedCents: number | null;
  amountPercent: number | null;
  amountCapCents: number | null;
  amountBands: readonly AmountBand[];
};

/**
 * The most a body may receive from a call: the fixed sum, the sum of its population band, or the
 * percentage of its costs up to the cap. null when the rule cannot tell (no rule, unknown
 * population, costs not given).
 */
export function maxAmountFor(call: AmountRuleOf, body: { population: number | null }, costCents?: number | null): number | null {
  switch (call.amountRule) {
    case 'fixed':
      return call.amountFixedCents;
    case 'population_band': {
      if (body.population == null) return null;
      const bands = [...call.amountBands].sort((a, b) => (a.upTo ?? Infinity) - (b.upTo ?? Infinity));
      return bands.find((b) => b.upTo === null || body.population! <= b.upTo)?.cents ?? null;
    }
    case 'percent': {
      if (costCents == null || call.amountPercent == null) return null;
      const share = Math.floor((costCents * call.amountPercent) / 100);
      return call.amountCapCents != null ? Math.min(share, call.amountCapCents) : share;
    }
    default:
      return null;
  }
}

/** The kinds of bodies a call of the open data names ("Comuni", "Province;Citta Metropolitane"). */
export function eligibleKindsFrom(text: string): string[] {
  const kinds = new Set<string>();
  for (const part of text.split(/[;,]/)) {
    const p = part.trim().toLowerCase().normalize('NFD').replace(/[\u0300-\u036f]/g, '');
    if (p === 'comuni') kinds.add('comune');
    else if (p === 'province') kinds.add('provincia');
    else if (p === 'citta metropolitane') kinds.add('citta_metropolitana');
    else if (p === 'unioni di comuni' || p === 'unioni') kinds.add('unione');
    else if (p === 'comunita montane') kinds.add('comunita_montana');
    else if (p === 'regioni' || p === 'enti regionali') kinds.add('regione');
  }
  return [...kinds];
}

// ---- Projects ----

export const PROJECT_STATES = ['preparing', 'submitted', 'admitted', 'funded', 'renounced', 'paid', 'revoked'] as const;
export type ProjectState = (typeof PROJECT_STATES)[number];
// Labels: funding:state.<code>

/** The letters of `stato_candidatura` in the PA digitale 2026 open data. */
export const OPEN_DATA_STATES: Readonly<Record<string, ProjectState>> = { A: 'funded', R: 'renounced', E: 'paid' };

/** A letter of the open data as a state, or null for a letter the publisher has not described. */
export function stateFromOpenData(letter: string | null | undefined): ProjectState | null {
  return OPEN_DATA_STATES[(letter ?? '').trim().toUpperCase()] ?? null;
}

/** States in which the project is over before its end: no deadline is due any more. */
export const isStopped = (state: ProjectState): boolean => state === 'renounced' || state === 'revoked';
/** States in which the money has been granted (the stages run). */
export const isGranted = (state: ProjectState): boolean => state === 'funded' || state === 'paid';

// ---- Stages ----

/** Days between stages; a call's rules override any of them. */
export type StageRules = {
  /** CUP communicated within N days of admission (5 in the PA digitale 2026 calls). */
  cupDays: number;
  /** Supplier contract within N days of the funding decree. */
  contractDays: number;
  /** Completion within N days of the contract. */
  completionDays: number;
  /** Asseverazione requested within N days of completion. */
  asseverazioneDays: number;
  /** The RUP's Certificato di Regolare Esecuzione within N days of the asseverazione. */
  creDays: number;
  /** Domanda di erogazione within N days of the CRE. */
  paymentRequestDays: number;
  /** Services kept active N years after completion. */
  maintenanceYears: number;
};

export const DEFAULT_RULES: Readonly<StageRules> = {
  cupDays: 5,
  contractDays: 180,
  completionDays: 180,
  asseverazioneDays: 30,
  creDays: 30,
  paymentRequestDays: 30,
  maintenanceYears: 5,
};

export const RULE_KEYS = Object.keys(DEFAULT_RULES) as Array<keyof StageRules>;

/** The rules stored with a call (JSON), completed with the defaults; anything odd is ignored. */
export function rulesOf(stored: unknown): StageRules {
  const rules: StageRules = { ...DEFAULT_RULES };
  if (stored && typeof stored === 'object') {
    for (const key of RULE_KEYS) {
      const v = (stored as Record<string, unknown>)[key];
      if (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 3650) rules[key] = v;
    }
  }
  return rules;
}

export const STAGES = ['cup', 'contract', 'completion', 'asseverazione', 'cre', 'paymentRequest', 'maintenance'] as const;
export type StageKey = (typeof STAGES)[number];
// Labels: funding:stage.<key>

export type Thresholds = { warningDays: number; dangerDays: number };
export const DEFAULT_THRESHOLDS: Readonly<Thresholds> = { warningDays: 30, dangerDays: 15 };

/** done; overdue (past, not done); danger / warning (inside the thresholds); ok; none (no due date yet, or the project stopped). */
export type StageLevel = 'done' | 'overdue' | 'danger' | 'warning' | 'ok' | 'none';

export type Stage = { key: StageKey; dueOn: string | null; doneOn: string | null; done: boolean; level: StageLevel; daysLeft: number | null };

/** What the stages need to know about a project. */
export type ProjectDates = {
  state: ProjectState;
  cup: string | null;
  admittedOn: string | null;
  fundedOn: string | null;
  cupOn: string | null;
  contractOn: string | null;
  completedOn: string | null;
  asseveratedOn: string | null;
  creOn: string | null;
  paymentRequestedOn: string | null;
  paidOn: string | null;
};

export function addDays(day: string, n: number): string {
  return DateTime.fromISO(day, { zone: 'utc' }).plus({ days: n }).toISODate()!;
}

function addYears(day: string, n: number): string {
  return DateTime.fromISO(day, { zone: 'utc' }).plus({ years: n }).toISODate()!;
}

export function daysBetween(from: string, to: string): number {
  return Math.round(DateTime.fromISO(to, { zone: 'utc' }).diff(DateTime.fromISO(from, { zone: 'utc' }), 'days').days);
}

function levelOf(dueOn: string | null, done: boolean, today: string, t: Thresholds): { level: StageLevel; daysLeft: number | null } {
  if (done) return { level: 'done', daysLeft: null };
  if (!dueOn) return { level: 'none', daysLeft: null };
  const daysLeft = daysBetween(today, dueOn);
  if (daysLeft < 0) return { level: 'overdue', daysLeft };
  if (daysLeft <= t.dangerDays) return { level: 'danger', daysLeft };
  if (daysLeft <= t.warningDays) return { level: 'warning', daysLeft };
  return { level: 'ok', daysLeft };
}

/**
 * The stages of a project in order. Each due date counts from the previous stage's actual date
 * when it is known, else from its due date, so a late contract moves every later deadline. A paid
 * project (E in the open data) has done every stage but the maintenance; a renounced or revoked
 * one has no deadline left.
 */
export function projectStages(p: ProjectDates, rules: StageRules, today: string, thresholds: Thresholds = DEFAULT_THRESHOLDS): Stage[] {
  const stopped = isStopped(p.state);
  const paid = p.state === 'paid';
  const stages: Stage[] = [];
  const push = (key: StageKey, dueOn: string | null, doneOn: string | null, done: boolean) => {
    const { level, daysLeft } = stopped && !done ? { level: 'none' as const, daysLeft: null } : levelOf(dueOn, done, today, thresholds);
    stages.push({ key, dueOn, doneOn, done, level, daysLeft });
  };
  const from = (base: string | null, days: number) => (base ? addDays(base, days) : null);

  const admission = p.admittedOn ?? p.fundedOn;
  push('cup', from(admission, rules.cupDays), p.cupOn, paid || !!p.cup || !!p.cupOn);
  const contractDue = from(p.fundedOn, rules.contractDays);
  push('contract', contractDue, p.contractOn, paid || !!p.contractOn);
  const completionDue = from(p.contractOn ?? contractDue, rules.completionDays);
  push('completion', completionDue, p.completedOn, paid || !!p.completedOn);
  const asseverazioneDue = from(p.completedOn ?? completionDue, rules.asseverazioneDays);
  push('asseverazione', asseverazioneDue, p.asseveratedOn, paid || !!p.asseveratedOn);
  const creDue = from(p.asseveratedOn ?? asseverazioneDue, rules.creDays);
  push('cre', creDue, p.creOn, paid || !!p.creOn);
  push('paymentRequest', from(p.creOn ?? creDue, rules.paymentRequestDays), p.paymentRequestedOn, paid || !!p.paymentRequestedOn);

  // The services stay active N years after completion (after payment when completion is not recorded).
  const maintenanceBase = p.completedOn ?? p.paidOn ?? completionDue;
  const maintenanceEnd = maintenanceBase ? addYears(maintenanceBase, rules.maintenanceYears) : null;
  const maintenanceOver = !!maintenanceEnd && maintenanceEnd < today;
  stages.push({
    key: 'maintenance',
    dueOn: maintenanceEnd,
    doneOn: maintenanceOver ? maintenanceEnd : null,
    done: maintenanceOver,
    level: stopped || !maintenanceEnd ? 'none' : maintenanceOver ? 'done' : 'ok',
    daysLeft: maintenanceEnd && !maintenanceOver ? daysBetween(today, maintenanceEnd) : null,
  });
  return stages;
}

/** The worst level among the stages (for lists: a project at risk). */
export function worstLevel(stages: readonly Stage[]): StageLevel {
  const order: StageLevel[] = ['overdue', 'danger', 'warning', 'ok', 'done', 'none'];
  for (const level of order) if (stages.some((s) => s.level === level && s.key !== 'maintenance')) return level;
  return 'none';
}

/** The recorded dates of a project, in the order they must follow. */
export const DATE_ORDER = ['submittedOn', 'admittedOn', 'fundedOn', 'contractOn', 'completedOn', 'asseveratedOn', 'creOn', 'paymentRequestedOn', 'paidOn'] as const;
export type DateField = (typeof DATE_ORDER)[number];

/**
 * A Message for every date earlier than a date before it in the order ("the contract cannot be
 * dated before the funding decree"), keyed by field.
 */
export function dateOrderErrors(dates: Partial<Record<DateField, string | null>>): Partial<Record<DateField, Message>> {
  const errors: Partial<Record<DateField, Message>> = {};
  let latest: { field: DateField; day: string } | null = null;
  for (const field of DATE_ORDER) {
    const day = dates[field];
    if (!day) continue;
    if (latest && day < latest.day) {
      errors[field] = msg('funding:error.dateOrder', { label: msg(`funding:field.${field}`), previous: msg(`funding:field.${latest.field}`) });
    } else latest = { field, day };
  }
  return errors;
}
