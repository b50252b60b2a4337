// The public face of the bodies (enti): the only file of this area other areas import.
// Plain values only; joins on the shared `entities` table in SQL are fine, Sequelize includes of the model are not.
export { ENTITY_KINDS, MEMBERSHIP_STATUSES, type EntityKind, type MembershipStatus } from './models.js';
export {
  activeBodies,
  bodiesByIpa,
  bodyFilterText,
  bodyName,
  bodyNames,
  bodyOptions,
  countActiveBodies,
  findBodies,
  findBody,
  findBodyByIpa,
  leadBody,
  matchBodies,
  setBodyRtd,
  suggestBodies,
  type Body,
  type BodyOption,
} from './directory.js';
