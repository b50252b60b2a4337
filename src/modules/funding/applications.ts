// A body's applications as plain values, for the areas that read the funding data without owning it
// (the coaching area pre-fills assessments from them). One query on the area's own tables.
import { QueryTypes } from 'sequelize';
import type { Platform } from '../../platform/context.js';
import type { ProjectState } from './stages.js';

export type FundedApplication = {
  projectId: number;
  /** PNRR measure code ("1.3.1"), or null for a call outside the PNRR. */
  measure: string | null;
  callTitle: string;
  state: ProjectState;
  /** The day of the state (the open data's `data_stato_candidatura`). */
  stateOn: string | null;
  fundedOn: string | null;
  paidOn: string | null;
  amountCents: number;
  cup: string | null;
};

/** Every application of the body recorded in the funding area (imported or entered), newest state first. */
export async function fundedApplicationsOf(platform: Platform, entityId: number): Promise<FundedApplication[]> {
  const rows = await platform.sequelize.query<{
    id: number; measure: string | null; title: string; state: ProjectState; state_on: string | null; funded_on: string | null; paid_on: string | null; amount_cents: string; cup: string | null;
  }>(
    `SELECT p.id, c.measure, c.title, p.state, p.state_on, p.funded_on, p.paid_on, p.amount_cents, p.cup
       FROM funding_projects p JOIN funding_calls c ON c.id = p.call_id
      WHERE p.entity_id = :entityId
      ORDER BY p.state_on DESC NULLS LAST, p.id DESC`,
    { replacements: { entityId }, type: QueryTypes.SELECT },
  );
  return rows.map((r) => ({
    projectId: r.id,
    measure: r.measure,
    callTitle: r.title,
    state: r.state,
    stateOn: r.state_on,
    fundedOn: r.funded_on,
    paidOn: r.paid_on,
    amountCents: Number(r.amount_cents),
    cup: r.cup,
  }));
}
