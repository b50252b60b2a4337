// The public face of the reuse catalogue: the only file of this area other areas (and the root's
// command-line entries) import.
export { formatOutcome, importFile, parseArgs, summary, USAGE, type CliOutcome } from './batch-import.js';
export { findPublishedAssetByName, findPublishedAssetBySlug } from './service.js';
export { documentTemplateBySlug, documentTemplatesOfType, documentTypesWithTemplates, type DocumentTemplate } from './templates.js';
