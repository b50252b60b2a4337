// The plan as the comune attaches it to its PIAO: a PDF (pdfkit, real text) and a CSV, both titled
// "Piano di transizione digitale del Comune di …". Values in; the responders stream them.
import type { Body } from '../entities/index.js';
import type { PdfDocument } from '../../web/responders.js';
import type { GoalView, ActionView } from './plan.js';

type Translate = (key: string, params?: Record<string, unknown>) => string;
type Fmt = { date: (d: Date | string | null | undefined) => string; number: (n: number | null | undefined) => string };
type Plan = { goals: GoalView[]; loose: ActionView[]; progress: number | null; overdue: number };

export function planTitle(t: Translate, body: Body): string {
  return body.kind === 'comune' ? t('coaching:export.titleComune', { name: body.name }) : t('coaching:export.titleOther', { name: body.name });
}

export function planFileName(body: Body, ext: 'pdf' | 'csv'): string {
  return `piano-transizione-digitale-${body.ipaCode}.${ext}`;
}

export const PLAN_CSV_COLUMNS = ['obiettivo', 'riferimento', 'azione', 'responsabile', 'scadenza', 'stato', 'avanzamento', 'provenienza'] as const;

export function* planCsvRows(plan: Plan, t: Translate, tm: (m: string | null) => string, fmt: Fmt): Generator<Record<string, string>> {
  const row = (goal: GoalView | null, a: ActionView | null) => ({
    obiettivo: goal?.title ?? t('coaching:plan.loose'),
    riferimento: goal?.refLabel ? tm(goal.refLabel) : '',
    azione: a?.title ?? '',
    responsabile: a?.ownerName ?? '',
    scadenza: a?.dueOn ? fmt.date(a.dueOn) : '',
    stato: a ? t(`coaching:status.${a.status}`) : '',
    avanzamento: a ? `${a.progress}%` : goal?.progress != null ? `${goal.progress}%` : '',
    provenienza: a?.source?.label ?? '',
  });
  for (const g of plan.goals) {
    if (!g.actions.length) yield row(g, null);
    for (const a of g.actions) yield row(g, a);
  }
  for (const a of plan.loose) yield row(null, a);
}

/** Writes the plan into a pdfkit document: title, summary, then each goal with its actions as lines. */
export function writePlanPdf(doc: PdfDocument, plan: Plan, body: Body, t: Translate, tm: (m: string | null) => string, fmt: Fmt, today: string): void {
  doc.font('Helvetica-Bold').fontSize(18).text(planTitle(t, body));
  doc.moveDown(0.3).font('Helvetica').fontSize(10).fillColor('#333333').text(t('coaching:export.subtitle', { date: fmt.date(today), ipa: body.ipaCode }));
  doc.moveDown(0.5).fillColor('#000000').fontSize(11).text(t('coaching:export.summary', { goals: plan.goals.length, progress: plan.progress ?? 0, overdue: plan.overdue }));
  const action = (a: ActionView) => {
    const parts = [
      t(`coaching:status.${a.status}`),
      `${a.progress}%`,
      a.ownerName ? t('coaching:export.owner', { name: a.ownerName }) : null,
      a.dueOn ? t('coaching:export.due', { date: fmt.date(a.dueOn) }) : null,
      a.source ? t('coaching:export.source', { label: a.source.label }) : null,
    ].filter(Boolean);
    doc.font('Helvetica').fontSize(10).text(`• ${a.title}`, { indent: 12 });
    doc.fontSize(9).fillColor('#444444').text(parts.join(' · '), { indent: 24 }).fillColor('#000000');
    doc.moveDown(0.2);
  };
  plan.goals.forEach((g, i) => {
    doc.moveDown(0.8).font('Helvetica-Bold').fontSize(12).text(`${i + 1}. ${g.title}`);
    const meta = [g.refLabel ? tm(g.refLabel) : null, t('coaching:export.goalProgress', { progress: g.progress ?? 0 })].filter(Boolean).join(' · ');
    doc.font('Helvetica').fontSize(9).fillColor('#444444').text(meta).fillColor('#000000');
    if (g.description) doc.fontSize(10).text(g.description);
    doc.moveDown(0.3);
    if (!g.actions.length) doc.fontSize(10).text(t('coaching:plan.noActions'), { indent: 12 });
    g.actions.forEach(action);
  });
  if (plan.loose.length) {
    doc.moveDown(0.8).font('Helvetica-Bold').fontSize(12).text(t('coaching:plan.loose'));
    plan.loose.forEach(action);
  }
  if (!plan.goals.length && !plan.loose.length) doc.moveDown().fontSize(11).text(t('coaching:plan.empty'));
}
