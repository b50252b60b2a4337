// The public face of the coaching area: the only file of this area other areas import.
// - createPlanActionFrom: a working group's decision, a funding deadline… becomes an action of the
//   body's plan with a link back (idempotent on the source).
export { createPlanActionFrom, type PlanActionFrom } from './plan.js';
export { planActionsOf, type PlanActionRef } from './links.js';
