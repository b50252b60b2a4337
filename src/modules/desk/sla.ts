// SLA clocks of a desk request, recomputed from its state history every time
// (never stored), so a change of calendar or targets applies retroactively and
// a page, a report and the reminder job always agree.
//
// The clocks run in business time while the request is new, assigned or in
// progress; they pause while waiting for the requester and stop once resolved
// or closed (a reopen resumes them). The first-response clock also stops at the
// first public staff reply.
import type { BusinessCalendar } from '../../platform/calendar.js';
import type { RequestState, SlaTargets } from './states.js';

export type SlaStatus = 'ok' | 'warning' | 'breached' | 'met' | 'paused';

export interface SlaClock {
  targetMinutes: number;
  /**
   * When the target is (or was) reached: the actual instant if business time
   * already reached it; otherwise a projection from `now` (for a paused clock,
   * as if it resumed now, so it moves later while the request waits); null when
   * the clock stopped before reaching it.
   */
  dueAt: Date | null;
  /** Business minutes consumed, paused intervals excluded (may be fractional). */
  elapsedMinutes: number;
  /** targetMinutes − elapsedMinutes; negative once overrun. */
  remainingMinutes: number;
  /** true/false once the clock has stopped, null while it may still run. */
  met: boolean | null;
  status: SlaStatus;
}

export interface SlaResult {
  firstResponse: SlaClock;
  resolution: SlaClock;
}

export interface SlaHistoryEntry {
  /** When the request entered `state`. */
  at: Date;
  state: RequestState;
}

export interface SlaInput {
  createdAt: Date;
  /** State changes in any order; the request is `new` at createdAt unless an entry says otherwise. */
  history: readonly SlaHistoryEntry[];
  /** First public reply by staff, if any. */
  firstResponseAt: Date | null;
  targets: SlaTargets;
  now: Date;
  calendar: BusinessCalendar;
  /** Share of the target consumed from which a running clock is in 'warning'; default 0.8. */
  warningRatio?: number;
}

export const DEFAULT_WARNING_RATIO = 0.8;

type ClockMode = 'running' | 'paused' | 'stopped';

const CLOCK_MODE: Readonly<Record<RequestState, ClockMode>> = {
  new: 'running',
  assigned: 'running',
  in_progress: 'running',
  waiting: 'paused',
  resolved: 'stopped',
  closed: 'stopped',
};

/** Whether the state's clock runs (its due instants are then fixed by the history alone). */
export const clockRuns = (state: RequestState): boolean => CLOCK_MODE[state] === 'running';

interface Interval {
  start: number;
  end: number;
}

const MINUTE_MS = 60_000;

function millis(value: Date, what: string): number {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) {
    throw new TypeError(`${what}: expected a valid Date`);
  }
  return value.getTime();
}

function checkTarget(minutes: number, what: string): number {
  if (!Number.isFinite(minutes) || minutes <= 0) throw new RangeError(`${what} must be a number > 0`);
  return Math.round(minutes * MINUTE_MS);
}

export function computeSla(input: SlaInput): SlaResult {
  const created = millis(input.createdAt, 'createdAt');
  const now = millis(input.now, 'now');
  const firstResponseTarget = checkTarget(input.targets.firstResponseMinutes, 'firstResponseMinutes');
  const resolutionTarget = checkTarget(input.targets.resolutionMinutes, 'resolutionMinutes');
  const warningRatio = input.warningRatio ?? DEFAULT_WARNING_RATIO;
  if (!(warningRatio > 0 && warningRatio <= 1)) throw new RangeError('warningRatio must be in (0, 1]');

  // Changes after `now` are ignored so that the SLA can be evaluated "as of" any instant;
  // the stable sort keeps same-instant changes in the order they were recorded.
  const events = input.history
    .map((e) => ({ at: Math.max(created, millis(e.at, 'history.at')), state: e.state }))
    .filter((e) => e.at <= now)
    .sort((a, b) => a.at - b.at);

  const running: Interval[] = [];
  let state: RequestState = 'new';
  let cursor = created;
  for (const event of events) {
    if (CLOCK_MODE[state] === 'running' && event.at > cursor) running.push({ start: cursor, end: event.at });
    cursor = Math.max(cursor, event.at);
    state = event.state;
  }
  if (CLOCK_MODE[state] === 'running' && now > cursor) running.push({ start: cursor, end: now });
  const mode = CLOCK_MODE[state];

  const replyAt = input.firstResponseAt === null ? null : millis(input.firstResponseAt, 'firstResponseAt');
  const replied = replyAt !== null && replyAt <= now;
  const beforeReply = replied
    ? running
        .map((i) => ({ start: i.start, end: Math.min(i.end, Math.max(created, replyAt)) }))
        .filter((i) => i.end > i.start)
    : running;

  const clock = (intervals: Interval[], clockMode: ClockMode, target: number) =>
    evaluateClock(intervals, clockMode, target, created, now, input.calendar, warningRatio);
  return {
    firstResponse: clock(beforeReply, replied ? 'stopped' : mode, firstResponseTarget),
    resolution: clock(running, mode, resolutionTarget),
  };
}

function evaluateClock(
  intervals: Interval[],
  mode: ClockMode,
  target: number,
  created: number,
  now: number,
  calendar: BusinessCalendar,
  warningRatio: number,
): SlaClock {
  let elapsed = 0;
  let due: number | null = null;
  let breached = false;
  for (const { start, end } of intervals) {
    const used = Math.round(calendar.businessMinutesBetween(new Date(start), new Date(end)) * MINUTE_MS);
    if (due === null && elapsed + used >= target) {
      due = calendar.addBusinessMinutes(new Date(start), (target - elapsed) / MINUTE_MS).getTime();
    }
    // Running past the due instant is a breach even if no business time went by
    // (due Friday 17:00, still open on Saturday).
    if (due !== null && end > due) breached = true;
    elapsed += used;
  }

  const remaining = target - elapsed;
  if (due === null && mode !== 'stopped') {
    // Business time before creation is not available to the request, even when evaluated "as of" then.
    const from = Math.max(now, created);
    due = calendar.addBusinessMinutes(new Date(from), remaining / MINUTE_MS).getTime();
  }

  let status: SlaStatus;
  if (breached) status = 'breached';
  else if (mode === 'stopped') status = 'met';
  else if (mode === 'paused') status = 'paused';
  else status = elapsed >= target * warningRatio ? 'warning' : 'ok';

  return {
    targetMinutes: target / MINUTE_MS,
    dueAt: due === null ? null : new Date(due),
    elapsedMinutes: elapsed / MINUTE_MS,
    remainingMinutes: remaining / MINUTE_MS,
    met: mode === 'stopped' ? !breached : null,
    status,
  };
}

/**
 * For the reminder job: a running clock that has consumed at least the warning
 * share of its target and is not yet breached. Given a whole result, true when
 * either clock is.
 */
export function isAboutToBreach(result: SlaClock | SlaResult): boolean {
  if ('resolution' in result) return isAboutToBreach(result.firstResponse) || isAboutToBreach(result.resolution);
  return result.status === 'warning';
}
