// The pure core of the coaching area: answers and maturity steps, weighted scores per area, the
// overall level, proposals from the funding data, the gaps that become goals, a goal's progress and
// the population bands of the benchmark. Values in, values out: unit-tested without a database.
import type { Message } from '../../platform/messages.js';
import { msg } from '../../platform/messages.js';
import { pianoTriennaleAction, pnrrMeasure } from '../../platform/vocabulary.js';

export const ANSWERS = ['yes', 'partly', 'no', 'na'] as const;
export type Answer = (typeof ANSWERS)[number];
// Labels: coaching:answer.<value>

/** Nessuna attività (0), pianificato, avviato, verificato, consolidato (4): the ladder of LORDIMAS/CORA. */
export const MATURITY_STEPS = [0, 1, 2, 3, 4] as const;
// Labels: coaching:maturity.<n>

/** The value of an answer in a score; non pertinente counts for nothing (excluded from the weights). */
export const ANSWER_VALUE: Readonly<Record<Exclude<Answer, 'na'>, number>> = { yes: 1, partly: 0.5, no: 0 };

export const REF_KINDS = ['cad', 'piano', 'pnrr'] as const;
export type RefKind = (typeof REF_KINDS)[number];

/** CAD art. 17, comma 1: the duties of the RTD's office, letters a to j-bis. */
export const CAD_LETTERS = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'j-bis'] as const;

export type Reference = { kind: RefKind; code: string };

/** "cad:a", "piano:CAP3.PA.09", "pnrr:1.4.4" → a reference that exists; null for anything else. */
export function parseReference(text: string | null | undefined): Reference | null {
  const m = /^\s*(cad|piano|pnrr)\s*:\s*(\S+)\s*$/i.exec(text ?? '');
  if (!m) return null;
  const kind = m[1].toLowerCase() as RefKind;
  const code = m[2];
  if (kind === 'cad') return (CAD_LETTERS as readonly string[]).includes(code.toLowerCase()) ? { kind, code: code.toLowerCase() } : null;
  if (kind === 'piano') {
    const action = pianoTriennaleAction(code);
    return action ? { kind, code: action.code } : null;
  }
  return pnrrMeasure(code) ? { kind, code: code.trim() } : null;
}

export const referenceText = (r: Reference | null): string => (r ? `${r.kind}:${r.code}` : '');

/** A reference in words: "CAD art. 17, lettera c", "Piano triennale CAP3.PA.09", "PNRR misura 1.4.4". */
export function referenceLabel(kind: string | null, code: string | null): Message | null {
  if (!kind || !code) return null;
  if (kind === 'cad') return msg('coaching:ref.cad', { code });
  if (kind === 'piano') return msg('coaching:ref.piano', { code });
  return msg('coaching:ref.pnrr', { code, label: pnrrMeasure(code)?.label ?? '' });
}

// ---- Scores ----

export type ScoredQuestion = { id: number; areaId: number; weight: number };
export type GivenAnswer = { questionId: number; answer: Answer | null; maturity: number | null };
export type AreaScore = { areaId: number; code: string; title: string; score: number | null; answered: number; questions: number };

const round1 = (n: number) => Math.round(n * 10) / 10;

/**
 * The score of each area, 0–100: Σ weight × value / Σ weight over the questions answered sì, in parte or
 * no (non pertinente and unanswered are left out); null when no question of the area counts.
 */
export function areaScores(areas: ReadonlyArray<{ id: number; code: string; title: string }>, questions: readonly ScoredQuestion[], answers: readonly GivenAnswer[]): AreaScore[] {
  const byQuestion = new Map(answers.map((a) => [a.questionId, a]));
  return areas.map((area) => {
    const qs = questions.filter((q) => q.areaId === area.id);
    let weights = 0;
    let points = 0;
    let answered = 0;
    for (const q of qs) {
      const a = byQuestion.get(q.id)?.answer;
      if (!a) continue;
      answered++;
      if (a === 'na') continue;
      weights += q.weight;
      points += q.weight * ANSWER_VALUE[a];
    }
    return { areaId: area.id, code: area.code, title: area.title, score: weights ? round1((points / weights) * 100) : null, answered, questions: qs.length };
  });
}

/** The overall score: the weighted mean over every question that counts (so a big area weighs more). */
export function overallScore(questions: readonly ScoredQuestion[], answers: readonly GivenAnswer[]): number | null {
  const byQuestion = new Map(answers.map((a) => [a.questionId, a]));
  let weights = 0;
  let points = 0;
  for (const q of questions) {
    const a = byQuestion.get(q.id)?.answer;
    if (!a || a === 'na') continue;
    weights += q.weight;
    points += q.weight * ANSWER_VALUE[a];
  }
  return weights ? round1((points / weights) * 100) : null;
}

/** Maturity levels 1–5 by overall score: iniziale <20, di base <40, intermedio <60, avanzato <80, ottimizzato. */
export const LEVELS = [1, 2, 3, 4, 5] as const;
export function maturityLevel(score: number | null): number | null {
  if (score === null) return null;
  if (score < 20) return 1;
  if (score < 40) return 2;
  if (score < 60) return 3;
  if (score < 80) return 4;
  return 5;
}

/** The questions still without an answer (a submission needs every one). */
export function unanswered(questions: ReadonlyArray<{ id: number }>, answers: readonly GivenAnswer[]): number[] {
  const done = new Set(answers.filter((a) => a.answer).map((a) => a.questionId));
  return questions.filter((q) => !done.has(q.id)).map((q) => q.id);
}

// ---- Proposals from the PA digitale 2026 data ----

export type Application = { measure: string | null; state: string; stateOn: string | null; fundedOn: string | null; paidOn: string | null; callTitle: string };
export type Proposal = { answer: Answer; maturity: number; text: Message };

/**
 * What the funding data says about a measure: paid (E) → sì, verificato, "finanziato ed erogato il …";
 * funded (A) → in parte, avviato, "finanziato il …, non ancora erogato"; renounced only → no. null
 * when the body has no application of the measure.
 */
export function proposalFor(measure: string, applications: readonly Application[], formatDay: (iso: string) => string): Proposal | null {
  const own = applications.filter((a) => a.measure === measure);
  const paid = own.find((a) => a.state === 'paid');
  if (paid) {
    const day = paid.stateOn ?? paid.paidOn;
    return { answer: 'yes', maturity: 3, text: msg('coaching:proposal.paid', { measure, date: day ? formatDay(day) : '—', call: paid.callTitle }) };
  }
  const funded = own.find((a) => a.state === 'funded' || a.state === 'admitted');
  if (funded) {
    const day = funded.fundedOn ?? funded.stateOn;
    return { answer: 'partly', maturity: 2, text: msg('coaching:proposal.funded', { measure, date: day ? formatDay(day) : '—', call: funded.callTitle }) };
  }
  const renounced = own.find((a) => a.state === 'renounced' || a.state === 'revoked');
  if (renounced) return { answer: 'no', maturity: 0, text: msg('coaching:proposal.renounced', { measure, date: renounced.stateOn ? formatDay(renounced.stateOn) : '—', call: renounced.callTitle }) };
  return null;
}

// ---- Plan ----

export const ACTION_STATUSES = ['todo', 'doing', 'done', 'paused', 'na'] as const;
export type ActionStatus = (typeof ACTION_STATUSES)[number];

/** A goal's progress: the mean % of its actions, non pertinente left out; a completed action counts 100. */
export function goalProgress(actions: ReadonlyArray<{ status: string; progress: number }>): number | null {
  const counted = actions.filter((a) => a.status !== 'na');
  if (!counted.length) return null;
  return Math.round(counted.reduce((s, a) => s + (a.status === 'done' ? 100 : a.progress), 0) / counted.length);
}

/** An action still to do whose due day is past. */
export const isOverdue = (a: { status: string; dueOn: string | null }, today: string): boolean => (a.status === 'todo' || a.status === 'doing') && !!a.dueOn && a.dueOn < today;

/** The answers no / in parte of an assessment: the gaps a plan starts from, the heaviest first. */
export function gaps<T extends { answer: Answer | null; weight: number; position: number }>(rows: readonly T[]): T[] {
  return rows.filter((r) => r.answer === 'no' || r.answer === 'partly').sort((a, b) => (a.answer === b.answer ? 0 : a.answer === 'no' ? -1 : 1) || b.weight - a.weight || a.position - b.position);
}

// ---- Benchmark ----

export const POPULATION_BANDS = ['upTo5k', 'upTo20k', 'upTo100k', 'over100k'] as const;
export type PopulationBand = (typeof POPULATION_BANDS)[number];

/** ≤5,000, 5,001–20,000, 20,001–100,000, >100,000; null when the population is unknown. */
export function populationBand(population: number | null | undefined): PopulationBand | null {
  if (population == null) return null;
  if (population <= 5000) return 'upTo5k';
  if (population <= 20000) return 'upTo20k';
  if (population <= 100000) return 'upTo100k';
  return 'over100k';
}

export const BAND_SQL = `CASE WHEN e.population IS NULL THEN NULL WHEN e.population <= 5000 THEN 'upTo5k' WHEN e.population <= 20000 THEN 'upTo20k' WHEN e.population <= 100000 THEN 'upTo100k' ELSE 'over100k' END`;

export function median(values: readonly number[]): number | null {
  if (!values.length) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : round1((s[mid - 1] + s[mid]) / 2);
}

/** The fewest similar bodies a benchmark needs, so no single body's score can be read from it. */
export const BENCHMARK_MIN_PEERS = 3;
