// The public face of the tenders area: the only file of this area other areas import.
// Plain values only: the pure checks and formats another area needs in its own forms (a CUP, an
// amount in euro cents, a day in Rome), so they are written once; and a body joining an open needs
// collection from another area (a working group's action), with the link back.
export { todayInRome, addDays } from './dates.js';
export { formatCents, parseEuroToCents, MAX_CENTS, MONEY_ERRORS, type ParseEuroResult } from './money.js';
export { money } from './messages.js';
export { DOCUMENT_TYPES, validateCup, type CodeResult, type DocumentType } from './procurement.js';
export { euro, optionalEuro } from './schemas.js';
export { joinNeedsCollection, openNeedsCollections, type NeedsCollectionFrom } from './needs-from.js';
export { dossiersOfBody, type DossierRef } from './links.js';
