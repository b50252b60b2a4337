// The public face of the accounts: the only file of this area other areas (and the root) import.
// The directory of people as plain values, the policy other areas ask, the login for the web edge.
// Joins on the shared `users` table in SQL are fine; Sequelize includes of the User model are not.
export {
  activeStaff,
  displayName,
  ensureActiveUser,
  findActivePerson,
  findActiveStaff,
  findPeople,
  findPerson,
  findPersonByEmail,
  findPeopleByEmails,
  STAFF_ROLES,
  usersOfBodies,
  usersOfBody,
  type Person,
} from './directory.js';
export { BODY_ROLES, canListBodyUsers, isBodyRole } from './policy.js';
export { accountsAuthenticator } from './service.js';
