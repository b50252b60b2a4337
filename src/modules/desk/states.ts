// Lifecycle of a desk request: states, who may move it where, and the default
// SLA targets per category. Pure data and functions, shared by the service,
// the policy, the queue pages and the jobs. Only the codes live here: their names are
// locale keys (desk:state.<code>, desk:category.<code>, desk:priority.<code>, desk:action.<action>).
import type { BusinessCalendar } from '../../platform/calendar.js';
import { msg, type Message } from '../../platform/messages.js';

export const REQUEST_STATES = ['new', 'assigned', 'in_progress', 'waiting', 'resolved', 'closed'] as const;
export type RequestState = (typeof REQUEST_STATES)[number];


export const REQUEST_CATEGORIES = ['legal', 'strategic', 'procurement', 'technical', 'reuse', 'other'] as const;
export type RequestCategory = (typeof REQUEST_CATEGORIES)[number];


/** How a request reached the desk: the portal form, or staff recording it (desk:channel.<code>). */
export const REQUEST_CHANNELS = ['portale', 'telefono', 'email', 'sportello', 'riunione'] as const;
export type RequestChannel = (typeof REQUEST_CHANNELS)[number];

export const REQUEST_PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export type RequestPriority = (typeof REQUEST_PRIORITIES)[number];


export function isRequestState(value: unknown): value is RequestState {
  return typeof value === 'string' && (REQUEST_STATES as readonly string[]).includes(value);
}

export function isRequestCategory(value: unknown): value is RequestCategory {
  return typeof value === 'string' && (REQUEST_CATEGORIES as readonly string[]).includes(value);
}

export function isRequestChannel(value: unknown): value is RequestChannel {
  return typeof value === 'string' && (REQUEST_CHANNELS as readonly string[]).includes(value);
}

export function isRequestPriority(value: unknown): value is RequestPriority {
  return typeof value === 'string' && (REQUEST_PRIORITIES as readonly string[]).includes(value);
}

/** States in which the centre still owes the body something (queues, overdue lists). */
export const OPEN_STATES: readonly RequestState[] = Object.freeze(['new', 'assigned', 'in_progress', 'waiting']);

export function isOpenState(state: RequestState): boolean {
  return OPEN_STATES.includes(state);
}

/** staff: centre operators; body: users of the requesting body; system: scheduled jobs. */
export type ActorKind = 'staff' | 'body' | 'system';

export type TransitionAction =
  | 'assign'
  | 'start'
  | 'ask_requester'
  | 'resume'
  | 'resolve'
  | 'close'
  | 'auto_close'
  | 'requester_reply'
  | 'reopen';

export interface TransitionRule {
  action: TransitionAction;
  from: readonly RequestState[];
  to: RequestState;
  actors: readonly ActorKind[];
}

export const TRANSITIONS: readonly TransitionRule[] = Object.freeze([
  { action: 'assign', from: ['new'], to: 'assigned', actors: ['staff'] },
  { action: 'start', from: ['assigned'], to: 'in_progress', actors: ['staff'] },
  {
    action: 'ask_requester',
    from: ['in_progress'],
    to: 'waiting',
    actors: ['staff'],
  },
  // Staff may resume without a reply, e.g. when the missing information arrived by phone.
  { action: 'resume', from: ['waiting'], to: 'in_progress', actors: ['staff'] },
  { action: 'resolve', from: ['in_progress', 'waiting'], to: 'resolved', actors: ['staff'] },
  { action: 'close', from: ['resolved'], to: 'closed', actors: ['staff'] },
  { action: 'auto_close', from: ['resolved'], to: 'closed', actors: ['system'] },
  {
    action: 'requester_reply',
    from: ['waiting', 'resolved'],
    to: 'in_progress',
    actors: ['body'],
  },
  // A closed request can be reopened by staff (e.g. closed by mistake), never by the body.
  { action: 'reopen', from: ['resolved', 'closed'], to: 'in_progress', actors: ['staff'] },
] satisfies TransitionRule[]);

/** The rule that lets `actor` move a request from `from` to `to`, or null. */
export function findTransition(from: RequestState, to: RequestState, actor: ActorKind): TransitionRule | null {
  return TRANSITIONS.find((t) => t.to === to && t.from.includes(from) && t.actors.includes(actor)) ?? null;
}

export function canTransition(from: RequestState, to: RequestState, actor: ActorKind): boolean {
  return findTransition(from, to, actor) !== null;
}

/** What `actor` may do from `state`, in table order (the buttons of a request page). */
export function availableTransitions(state: RequestState, actor: ActorKind): TransitionRule[] {
  return TRANSITIONS.filter((t) => t.from.includes(state) && t.actors.includes(actor));
}

export type BodyReplyOutcome =
  | { ok: true; next: RequestState | null }
  | { ok: false; code: 'request_closed'; message: Message };

/**
 * Effect of a public reply from the requesting body: a reply to a waiting or
 * resolved request brings it back to work; on a closed request the reply is
 * refused (the body opens a new request instead).
 */
export function nextStateOnBodyReply(state: RequestState): BodyReplyOutcome {
  switch (state) {
    case 'waiting':
    case 'resolved':
      return { ok: true, next: 'in_progress' };
    case 'closed':
      return { ok: false, code: 'request_closed', message: msg('desk:error.closedForBody') };
    case 'new':
    case 'assigned':
    case 'in_progress':
      return { ok: true, next: null };
  }
}

export interface SlaTargets {
  /** Business minutes from creation to the first public staff reply. */
  firstResponseMinutes: number;
  /** Business minutes from creation to resolution, excluding waits for the requester. */
  resolutionMinutes: number;
}

const HOUR = 60;

/**
 * Default targets in business minutes (a business day is 8 hours). Technical
 * requests usually block a service, so they are answered fastest; strategic
 * advice needs study and meetings, so it gets two business weeks.
 */
export const DEFAULT_SLA_TARGETS: Readonly<Record<RequestCategory, Readonly<SlaTargets>>> = Object.freeze({
  legal: Object.freeze({ firstResponseMinutes: 8 * HOUR, resolutionMinutes: 40 * HOUR }),
  strategic: Object.freeze({ firstResponseMinutes: 16 * HOUR, resolutionMinutes: 80 * HOUR }),
  procurement: Object.freeze({ firstResponseMinutes: 8 * HOUR, resolutionMinutes: 40 * HOUR }),
  technical: Object.freeze({ firstResponseMinutes: 4 * HOUR, resolutionMinutes: 24 * HOUR }),
  reuse: Object.freeze({ firstResponseMinutes: 8 * HOUR, resolutionMinutes: 40 * HOUR }),
  other: Object.freeze({ firstResponseMinutes: 16 * HOUR, resolutionMinutes: 40 * HOUR }),
});

/** Business days after resolution without a reply from the body before the request closes itself. */
export const DEFAULT_AUTO_CLOSE_BUSINESS_DAYS = 10;

/**
 * Whether the auto-close job should close the request now. `resolvedAt` is the
 * last time it entered `resolved` (a reply in between reopens it, so the job
 * never sees an older date for a resolved request).
 */
export function isDueForAutoClose(input: {
  state: RequestState;
  resolvedAt: Date;
  now: Date;
  calendar: BusinessCalendar;
  afterBusinessDays?: number;
}): boolean {
  const days = input.afterBusinessDays ?? DEFAULT_AUTO_CLOSE_BUSINESS_DAYS;
  if (!Number.isInteger(days) || days < 1) throw new RangeError('afterBusinessDays must be an integer ≥ 1');
  if (input.state !== 'resolved') return false;
  return input.now.getTime() >= input.calendar.addBusinessDays(input.resolvedAt, days).getTime();
}
