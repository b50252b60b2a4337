// Links into the training area for other areas, as plain paths.
import { syllabusCompetences } from '../../platform/vocabulary.js';

/** The page answering a training need: a cycle's page, else the calendar filtered by a Syllabus competence. */
export function trainingLink(need: { cycleId?: number | null; competence?: string | null } = {}): string {
  if (need.cycleId && Number.isInteger(need.cycleId) && need.cycleId > 0) return `/formazione/cicli/${need.cycleId}`;
  if (need.competence && syllabusCompetences().some((c) => c.code === need.competence)) return `/formazione?competence=${encodeURIComponent(need.competence)}`;
  return '/formazione';
}
