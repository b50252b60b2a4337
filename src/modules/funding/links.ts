// A project's links to the rest of CIT Hub: the tender dossier that buys its supply (tenders' face)
// and the coaching plan action it fulfils (coaching's face). Only a dossier or an action of the
// project's own body can be chosen; anything else is refused next to its field.
import type { Actor } from '../../platform/actor.js';
import type { Platform } from '../../platform/context.js';
import { ValidationError } from '../../platform/errors.js';
import { parseInput } from '../../platform/validation.js';
import { planActionsOf, type PlanActionRef } from '../coaching/index.js';
import { dossiersOfBody, type DossierRef } from '../tenders/index.js';
import { FundingProject } from './models.js';
import { linksSchema } from './schemas.js';
import { projectForEdit, type ProjectView } from './service.js';

export type ProjectLinks = { dossier: DossierRef | null; action: PlanActionRef | null };

/** What the project links to, and (for the edit form) what it could link to. */
export async function projectLinks(platform: Platform, project: ProjectView): Promise<ProjectLinks & { dossiers: DossierRef[]; actions: PlanActionRef[] }> {
  const [dossiers, actions] = await Promise.all([dossiersOfBody(platform, project.entityId, project.cup), planActionsOf(platform, project.entityId)]);
  return {
    dossier: dossiers.find((d) => d.id === project.tenderDossierId) ?? null,
    action: actions.find((a) => a.id === project.coachingActionId) ?? null,
    dossiers,
    actions,
  };
}

export async function setProjectLinks(platform: Platform, actor: Actor, projectId: number, input: unknown): Promise<void> {
  const project = await projectForEdit(platform, actor, projectId);
  const data = parseInput(linksSchema, input);
  const { dossiers, actions } = await projectLinks(platform, project);
  const errors: Record<string, string> = {};
  if (data.tenderDossierId !== null && !dossiers.some((d) => d.id === data.tenderDossierId)) errors.tenderDossierId = 'funding:error.chooseDossier';
  if (data.coachingActionId !== null && !actions.some((a) => a.id === data.coachingActionId)) errors.coachingActionId = 'funding:error.chooseAction';
  if (Object.keys(errors).length) throw new ValidationError(errors);
  await platform.sequelize.transaction(async (transaction) => {
    await FundingProject.update({ tenderDossierId: data.tenderDossierId, coachingActionId: data.coachingActionId }, { where: { id: project.id }, transaction });
    await platform.audit.record(actor, { action: 'funding.project.links', subjectType: 'funding_project', subjectId: project.id, entityId: project.entityId, details: { ...data } }, transaction);
  });
}
