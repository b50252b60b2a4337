// The public face of the funding area: the only file of this area other areas (and the command
// line) import. The importer of the PA digitale 2026 open data lives here once, for the coaching
// area too (it pre-fills assessments from the same rows).
export { importOpenData, reportLines, type FileReport, type ImportReport, type Problem } from './opendata.js';
export { openDataFiles, SHARED_OPEN_DATA_DIR } from './seed.js';
export { fundedApplicationsOf, type FundedApplication } from './applications.js';
export { fundingProjectsOfDossier, type DossierProject } from './dossier-projects.js';
