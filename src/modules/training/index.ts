// The public face of the training area: the only file of this area other areas import.
// A training need of another area (a working group's action, a coaching goal) links to the calendar
// filtered by competence, or to a cycle; recordTrainingNeed records it for a body with a link back.
export { trainingLink } from './links.js';
export { recordTrainingNeed, type TrainingNeedFrom } from './needs.js';
