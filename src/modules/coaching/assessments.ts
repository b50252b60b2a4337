// A body's assessments: started on the last published version of a template (a repeat starts from
// the last answers, proposals come from the PA digitale 2026 data of the funding area), filled in
// and saved as often as needed, submitted, reviewed by staff (a comment per answer, approved or sent
// back). Scores are computed from the answers, never typed.
import type { Transaction } from 'sequelize';
import type { Actor, Viewer } from '../../platform/actor.js';
import type { Platform } from '../../platform/context.js';
import { ConflictError, NotFoundError, ValidationError } from '../../platform/errors.js';
import { formatters } from '../../platform/format.js';
import { msg, type Message } from '../../platform/messages.js';
import { parseInput } from '../../platform/validation.js';
import { findBody, type Body } from '../entities/index.js';
import { fundedApplicationsOf } from '../funding/index.js';
import { areaScores, maturityLevel, overallScore, proposalFor, unanswered, type Answer, type AreaScore } from './core.js';
import { assertCanReview, assertCanSee, assertCanWork, canReview, canWorkOnBody } from './policy.js';
import { answerSchema, reviewSchema, type AnswerInput } from './schemas.js';
import { exec, one, rows } from './sql.js';
import { loadVersion, publishedVersions, type VersionView } from './templates.js';

export type AssessmentStatus = 'draft' | 'submitted' | 'approved' | 'returned';

export type AnswerView = {
  id: number;
  questionId: number;
  answer: Answer | null;
  maturity: number | null;
  note: string | null;
  links: string[];
  proposed: boolean;
  proposal: Message | null;
  staffComment: string | null;
  evidence: Array<{ id: number; fileId: string; name: string; size: number }>;
  /** The answer of the assessment this one repeats, when it differs ("changed"). */
  previous: { answer: Answer | null; maturity: number | null } | null;
};

export type AssessmentSummary = {
  id: number;
  entityId: number;
  versionId: number;
  templateTitle: string;
  version: number;
  status: AssessmentStatus;
  previousId: number | null;
  createdAt: Date;
  submittedAt: Date | null;
  reviewedAt: Date | null;
  reviewNote: string | null;
  score: number | null;
  level: number | null;
  areaScores: AreaScore[];
};

type SummaryRow = {
  id: number; entity_id: number; version_id: number; title: string; version: number; status: AssessmentStatus; previous_id: number | null; created_at: Date;
  submitted_at: Date | null; reviewed_at: Date | null; review_note: string | null; score: string | null; level: number | null; area_scores: AreaScore[];
};

const SUMMARY_SQL = `SELECT a.id, a.entity_id, a.version_id, t.title, v.version, a.status, a.previous_id, a.created_at, a.submitted_at, a.reviewed_at, a.review_note, a.score, a.level, a.area_scores
  FROM coaching_assessments a JOIN coaching_template_versions v ON v.id = a.version_id JOIN coaching_templates t ON t.id = v.template_id`;

const summary = (r: SummaryRow): AssessmentSummary => ({
  id: r.id,
  entityId: r.entity_id,
  versionId: r.version_id,
  templateTitle: r.title,
  version: r.version,
  status: r.status,
  previousId: r.previous_id,
  createdAt: r.created_at,
  submittedAt: r.submitted_at,
  reviewedAt: r.reviewed_at,
  reviewNote: r.review_note,
  score: r.score === null ? null : Number(r.score),
  level: r.level,
  areaScores: r.area_scores,
});

export async function requireBody(entityId: number): Promise<Body> {
  const body = await findBody(entityId);
  if (!body) throw new NotFoundError('coaching:error.notFound');
  return body;
}

export async function listAssessments(platform: Platform, viewer: Viewer, entityId: number) {
  assertCanSee(viewer, entityId);
  const body = await requireBody(entityId);
  const list = (await rows<SummaryRow>(platform, `${SUMMARY_SQL} WHERE a.entity_id = :entityId ORDER BY a.created_at DESC, a.id DESC`, { entityId })).map(summary);
  return { body, assessments: list, templates: canWorkOnBody(viewer, entityId) ? await publishedVersions(platform) : [], canStart: canWorkOnBody(viewer, entityId) && !list.some((a) => a.status === 'draft' || a.status === 'returned') };
}

async function loadSummary(platform: Platform, entityId: number, id: number, transaction?: Transaction): Promise<AssessmentSummary> {
  const r = await one<SummaryRow>(platform, `${SUMMARY_SQL} WHERE a.id = :id AND a.entity_id = :entityId${transaction ? ' FOR UPDATE OF a' : ''}`, { id, entityId }, transaction);
  if (!r) throw new NotFoundError('coaching:error.notFound');
  return summary(r);
}

/**
 * Starts an assessment for the body on the last published version of the template. Answers start
 * from the last submitted assessment (matched by question code), and the questions linked to a PNRR
 * measure get the proposal of the funding data where it says something new.
 */
export async function startAssessment(platform: Platform, actor: Actor, entityId: number, input: { versionId?: unknown }): Promise<number> {
  assertCanWork(actor, entityId);
  await requireBody(entityId);
  const published = await publishedVersions(platform);
  const wanted = Number(input.versionId);
  const versionId = published.find((p) => p.id === wanted)?.id ?? (published.length === 1 ? published[0].id : null);
  if (!versionId) throw new ValidationError({ versionId: msg('coaching:validation.template') });
  const version = await loadVersion(platform, versionId);
  const applications = await fundedApplicationsOf(platform, entityId);
  try {
    return await platform.sequelize.transaction(async (transaction) => {
      const previous = await one<{ id: number }>(
        platform,
        `SELECT id FROM coaching_assessments WHERE entity_id = :entityId AND status IN ('submitted','approved') ORDER BY submitted_at DESC, id DESC LIMIT 1`,
        { entityId },
        transaction,
      );
      const before = previous
        ? await rows<{ code: string; answer: Answer | null; maturity: number | null; note: string | null; links: string[] }>(
            platform,
            `SELECT q.code, x.answer, x.maturity, x.note, x.links FROM coaching_answers x JOIN coaching_questions q ON q.id = x.question_id WHERE x.assessment_id = :id`,
            { id: previous.id },
            transaction,
          )
        : [];
      const a = await one<{ id: number }>(
        platform,
        `INSERT INTO coaching_assessments (entity_id, version_id, previous_id, started_by) VALUES (:entityId, :versionId, :previousId, :by) RETURNING id`,
        { entityId, versionId, previousId: previous?.id ?? null, by: actor.userId },
        transaction,
      );
      const answers = version.questions.map((q) => {
        const last = before.find((b) => b.code === q.code);
        const proposal = q.refKind === 'pnrr' && q.refCode ? proposalFor(q.refCode, applications, (d) => formatters.date(d)) : null;
        const fresh = proposal && (!last || last.answer !== proposal.answer);
        return {
          question_id: q.id,
          answer: fresh ? proposal.answer : (last?.answer ?? null),
          maturity: fresh ? proposal.maturity : (last?.maturity ?? null),
          note: last?.note ?? null,
          links: last?.links ?? [],
          proposed: !!fresh,
          proposal: fresh ? proposal.text : null,
        };
      });
      await exec(
        platform,
        `INSERT INTO coaching_answers (assessment_id, question_id, answer, maturity, note, links, proposed, proposal, updated_by)
         SELECT :id, r.question_id, r.answer, r.maturity, r.note, ARRAY(SELECT jsonb_array_elements_text(r.links)), r.proposed, r.proposal, :by
           FROM jsonb_to_recordset(:answers::jsonb) AS r(question_id int, answer text, maturity int, note text, links jsonb, proposed boolean, proposal text)`,
        { id: a!.id, answers: JSON.stringify(answers), by: actor.userId },
        transaction,
      );
      await platform.audit.record(actor, { action: 'coaching.assessment.start', subjectType: 'coaching_assessment', subjectId: a!.id, entityId, details: { versionId, previousId: previous?.id ?? null, proposals: answers.filter((x) => x.proposed).length } }, transaction);
      return a!.id;
    });
  } catch (err) {
    if ((err as { name?: string }).name === 'SequelizeUniqueConstraintError') throw new ConflictError('coaching:error.openAssessment');
    throw err;
  }
}

async function loadAnswers(platform: Platform, assessment: AssessmentSummary, transaction?: Transaction): Promise<AnswerView[]> {
  const list = await rows<{
    id: number; question_id: number; answer: Answer | null; maturity: number | null; note: string | null; links: string[]; proposed: boolean; proposal: string | null; staff_comment: string | null;
    prev_answer: Answer | null; prev_maturity: number | null; has_prev: boolean;
  }>(
    platform,
    `SELECT x.id, x.question_id, x.answer, x.maturity, x.note, x.links, x.proposed, x.proposal, x.staff_comment,
            p.answer AS prev_answer, p.maturity AS prev_maturity, p.id IS NOT NULL AS has_prev
       FROM coaching_answers x
       JOIN coaching_questions q ON q.id = x.question_id
       LEFT JOIN LATERAL (SELECT pa.id, pa.answer, pa.maturity FROM coaching_answers pa JOIN coaching_questions pq ON pq.id = pa.question_id
                           WHERE pa.assessment_id = :previousId AND pq.code = q.code LIMIT 1) p ON true
      WHERE x.assessment_id = :id`,
    { id: assessment.id, previousId: assessment.previousId ?? -1 },
    transaction,
  );
  const evidence = await rows<{ id: number; answer_id: number; file_id: string; original_name: string; size: number }>(
    platform,
    `SELECT e.id, e.answer_id, e.file_id, f.original_name, f.size FROM coaching_evidence e JOIN coaching_answers x ON x.id = e.answer_id JOIN stored_files f ON f.id = e.file_id
      WHERE x.assessment_id = :id ORDER BY e.id`,
    { id: assessment.id },
    transaction,
  );
  return list.map((r) => ({
    id: r.id,
    questionId: r.question_id,
    answer: r.answer,
    maturity: r.maturity,
    note: r.note,
    links: r.links,
    proposed: r.proposed,
    proposal: r.proposal,
    staffComment: r.staff_comment,
    evidence: evidence.filter((e) => e.answer_id === r.id).map((e) => ({ id: e.id, fileId: e.file_id, name: e.original_name, size: e.size })),
    previous: r.has_prev && (r.prev_answer !== r.answer || r.prev_maturity !== r.maturity) ? { answer: r.prev_answer, maturity: r.prev_maturity } : null,
  }));
}

function scoresOf(version: VersionView, answers: readonly AnswerView[]) {
  const given = answers.map((a) => ({ questionId: a.questionId, answer: a.answer, maturity: a.maturity }));
  const qs = version.questions.map((q) => ({ id: q.id, areaId: q.areaId, weight: q.weight }));
  const score = overallScore(qs, given);
  return { areas: areaScores(version.areas, qs, given), score, level: maturityLevel(score), missing: unanswered(version.questions, given) };
}

export async function assessmentPage(platform: Platform, viewer: Viewer, entityId: number, id: number) {
  assertCanSee(viewer, entityId);
  const body = await requireBody(entityId);
  const assessment = await loadSummary(platform, entityId, id);
  const version = await loadVersion(platform, assessment.versionId);
  const answers = await loadAnswers(platform, assessment);
  const editable = (assessment.status === 'draft' || assessment.status === 'returned') && canWorkOnBody(viewer, entityId);
  return {
    body,
    assessment,
    version,
    answers: Object.fromEntries(answers.map((a) => [a.questionId, a])) as Record<number, AnswerView>,
    scores: scoresOf(version, answers),
    proposals: answers.filter((a) => a.proposed).length,
    editable,
    reviewable: assessment.status === 'submitted' && canReview(viewer),
    canGaps: (assessment.status === 'submitted' || assessment.status === 'approved') && canWorkOnBody(viewer, entityId),
  };
}

/** The answers of the form: fields `answer_<qid>`, `maturity_<qid>`, `note_<qid>`, `links_<qid>`, `confirm_<qid>`. */
export function answersFromForm(body: Record<string, unknown>): { inputs: AnswerInput[]; errors: Record<string, Message> } {
  const ids = new Set<number>();
  for (const key of Object.keys(body)) {
    const m = /^(answer|maturity|note|links|confirm)_(\d{1,9})$/.exec(key);
    if (m) ids.add(Number(m[2]));
  }
  const inputs: AnswerInput[] = [];
  const errors: Record<string, Message> = {};
  const str = (v: unknown) => (typeof v === 'string' ? v : Array.isArray(v) ? String(v[v.length - 1] ?? '') : '');
  for (const qid of ids) {
    const r = answerSchema.safeParse({ questionId: qid, answer: str(body[`answer_${qid}`]), maturity: str(body[`maturity_${qid}`]), note: str(body[`note_${qid}`]), links: str(body[`links_${qid}`]), confirm: str(body[`confirm_${qid}`]) });
    if (r.success) inputs.push(r.data);
    else for (const issue of r.error.issues) errors[`${String(issue.path[0])}_${qid}`] = issue.message;
  }
  return { inputs, errors };
}

/** Saves the answers sent (a part of the questions, usually one area); the assessment stays a draft. */
export async function saveAnswers(platform: Platform, actor: Actor, entityId: number, id: number, body: Record<string, unknown>): Promise<number> {
  assertCanWork(actor, entityId);
  const { inputs, errors } = answersFromForm(body);
  if (Object.keys(errors).length) throw new ValidationError(errors);
  return platform.sequelize.transaction(async (transaction) => {
    const assessment = await loadSummary(platform, entityId, id, transaction);
    if (assessment.status !== 'draft' && assessment.status !== 'returned') throw new ConflictError('coaching:error.notEditable');
    const current = await rows<{ question_id: number; answer: Answer | null; proposed: boolean }>(platform, `SELECT question_id, answer, proposed FROM coaching_answers WHERE assessment_id = :id`, { id }, transaction);
    const known = new Map(current.map((c) => [c.question_id, c]));
    const foreign = inputs.filter((i) => !known.has(i.questionId));
    if (foreign.length) throw new ValidationError({ _form: msg('coaching:validation.foreignQuestion', { ids: foreign.map((f) => f.questionId).join(', ') }) });
    const updates = inputs.map((i) => {
      const was = known.get(i.questionId)!;
      // A proposal stays one until the RTD confirms it or gives another answer.
      const stillProposed = was.proposed && !i.confirm && i.answer === was.answer;
      return { question_id: i.questionId, answer: i.answer, maturity: i.maturity, note: i.note, links: i.links, proposed: stillProposed };
    });
    await exec(
      platform,
      `UPDATE coaching_answers x SET answer = r.answer, maturity = r.maturity, note = r.note, links = ARRAY(SELECT jsonb_array_elements_text(r.links)),
              proposed = r.proposed, updated_by = :by, updated_at = now()
         FROM jsonb_to_recordset(:rows::jsonb) AS r(question_id int, answer text, maturity int, note text, links jsonb, proposed boolean)
        WHERE x.assessment_id = :id AND x.question_id = r.question_id`,
      { id, rows: JSON.stringify(updates), by: actor.userId },
      transaction,
    );
    await exec(platform, `UPDATE coaching_assessments SET updated_at = now() WHERE id = :id`, { id }, transaction);
    await platform.audit.record(actor, { action: 'coaching.assessment.save', subjectType: 'coaching_assessment', subjectId: id, entityId, details: { answers: updates.length } }, transaction);
    return updates.length;
  });
}

export async function addEvidence(platform: Platform, actor: Actor, entityId: number, id: number, questionId: number, file: { path: string; originalName: string }): Promise<void> {
  assertCanWork(actor, entityId);
  await platform.sequelize.transaction(async (transaction) => {
    const assessment = await loadSummary(platform, entityId, id, transaction);
    if (assessment.status !== 'draft' && assessment.status !== 'returned') throw new ConflictError('coaching:error.notEditable');
    const answer = await one<{ id: number }>(platform, `SELECT id FROM coaching_answers WHERE assessment_id = :id AND question_id = :questionId`, { id, questionId }, transaction);
    if (!answer) throw new NotFoundError('coaching:error.notFound');
    const stored = await platform.files.save({ path: file.path, originalName: file.originalName, uploadedBy: actor.userId }, transaction);
    await exec(platform, `INSERT INTO coaching_evidence (answer_id, file_id, uploaded_by) VALUES (:answerId, :fileId, :by)`, { answerId: answer.id, fileId: stored.id, by: actor.userId }, transaction);
    await platform.audit.record(actor, { action: 'coaching.assessment.evidence', subjectType: 'coaching_assessment', subjectId: id, entityId, details: { questionId, fileId: stored.id } }, transaction);
  });
}

/** A file of an answer's evidence, for whoever may see the body's coaching. */
export async function evidenceFile(platform: Platform, viewer: Viewer, entityId: number, id: number, evidenceId: number): Promise<string> {
  assertCanSee(viewer, entityId);
  const r = await one<{ file_id: string }>(
    platform,
    `SELECT e.file_id FROM coaching_evidence e JOIN coaching_answers x ON x.id = e.answer_id JOIN coaching_assessments a ON a.id = x.assessment_id
      WHERE e.id = :evidenceId AND a.id = :id AND a.entity_id = :entityId`,
    { evidenceId, id, entityId },
  );
  if (!r) throw new NotFoundError('coaching:error.notFound');
  return r.file_id;
}

export async function submitAssessment(platform: Platform, actor: Actor, entityId: number, id: number): Promise<void> {
  assertCanWork(actor, entityId);
  await platform.sequelize.transaction(async (transaction) => {
    const assessment = await loadSummary(platform, entityId, id, transaction);
    if (assessment.status !== 'draft' && assessment.status !== 'returned') throw new ConflictError('coaching:error.notEditable');
    const version = await loadVersion(platform, assessment.versionId, transaction);
    const answers = await loadAnswers(platform, assessment, transaction);
    const s = scoresOf(version, answers);
    if (s.missing.length) throw new ConflictError(msg('coaching:error.missingAnswers', { count: s.missing.length }));
    const proposed = answers.filter((a) => a.proposed).length;
    if (proposed) throw new ConflictError(msg('coaching:error.unconfirmedProposals', { count: proposed }));
    await exec(
      platform,
      `UPDATE coaching_assessments SET status = 'submitted', submitted_at = now(), submitted_by = :by, score = :score, level = :level, area_scores = :areas::jsonb, updated_at = now() WHERE id = :id`,
      { id, by: actor.userId, score: s.score, level: s.level, areas: JSON.stringify(s.areas) },
      transaction,
    );
    await platform.audit.record(actor, { action: 'coaching.assessment.submit', subjectType: 'coaching_assessment', subjectId: id, entityId, details: { score: s.score, level: s.level } }, transaction);
  });
}

/** Staff review: a comment per answer (fields `comment_<qid>`), then approved or sent back. */
export async function reviewAssessment(platform: Platform, actor: Actor, entityId: number, id: number, body: Record<string, unknown>): Promise<'approved' | 'returned'> {
  assertCanReview(actor, entityId);
  const data = parseInput(reviewSchema, body);
  const comments: Array<{ question_id: number; comment: string | null }> = [];
  for (const [key, value] of Object.entries(body)) {
    const m = /^comment_(\d{1,9})$/.exec(key);
    if (!m || typeof value !== 'string') continue;
    const text = value.trim();
    if (text.length > 2000) throw new ValidationError({ [key]: msg('coaching:validation.commentTooLong') });
    comments.push({ question_id: Number(m[1]), comment: text || null });
  }
  if (data.decision === 'returned' && !data.reviewNote && !comments.some((c) => c.comment)) throw new ValidationError({ reviewNote: msg('coaching:validation.returnWhy') });
  await platform.sequelize.transaction(async (transaction) => {
    const assessment = await loadSummary(platform, entityId, id, transaction);
    if (assessment.status !== 'submitted') throw new ConflictError('coaching:error.notSubmitted');
    await exec(
      platform,
      `UPDATE coaching_answers x SET staff_comment = r.comment FROM jsonb_to_recordset(:rows::jsonb) AS r(question_id int, comment text)
        WHERE x.assessment_id = :id AND x.question_id = r.question_id`,
      { id, rows: JSON.stringify(comments) },
      transaction,
    );
    await exec(
      platform,
      `UPDATE coaching_assessments SET status = :decision, reviewed_at = now(), reviewed_by = :by, review_note = :note, updated_at = now() WHERE id = :id`,
      { id, decision: data.decision, by: actor.userId, note: data.reviewNote },
      transaction,
    );
    await platform.audit.record(actor, { action: `coaching.assessment.${data.decision}`, subjectType: 'coaching_assessment', subjectId: id, entityId }, transaction);
  });
  return data.decision;
}

/** The no / in parte answers of a submitted assessment, for "crea obiettivi dalle risposte". */
export async function assessmentGaps(platform: Platform, viewer: Viewer, entityId: number, id: number) {
  assertCanWork(viewer, entityId);
  const assessment = await loadSummary(platform, entityId, id);
  if (assessment.status !== 'submitted' && assessment.status !== 'approved') throw new ConflictError('coaching:error.notSubmitted');
  const list = await rows<{ question_id: number; code: string; text: string; answer: Answer; weight: string; ref_kind: string | null; ref_code: string | null; area: string; position: number; has_goal: boolean }>(
    platform,
    `SELECT q.id AS question_id, q.code, q.text, x.answer, q.weight, q.ref_kind, q.ref_code, ar.title AS area, ar.position * 1000 + q.position AS position,
            EXISTS (SELECT 1 FROM coaching_goals g WHERE g.entity_id = :entityId AND g.question_code = q.code) AS has_goal
       FROM coaching_answers x JOIN coaching_questions q ON q.id = x.question_id JOIN coaching_areas ar ON ar.id = q.area_id
      WHERE x.assessment_id = :id AND x.answer IN ('no','partly')`,
    { id, entityId },
  );
  return { assessment, gaps: list.map((g) => ({ ...g, weight: Number(g.weight) })).sort((a, b) => (a.answer === b.answer ? 0 : a.answer === 'no' ? -1 : 1) || b.weight - a.weight || a.position - b.position) };
}
