// Controlled vocabularies of publiccode.yml (spec 0.7) and of the catalogue facets: the codes only.
// Their labels live in locales/<lang>/catalog.json under the section named next to each list
// (e.g. `catalog:category.<code>`), so the interface shows them in the reader's language.

/** The 106 `categories` values, in the order of the standard's categories list. Labels: `catalog:category.<code>`. */
export const PUBLICCODE_CATEGORIES = [
  'accounting',
  'agile-project-management',
  'applicant-tracking',
  'application-development',
  'appointment-scheduling',
  'backup',
  'billing-and-invoicing',
  'blog',
  'budgeting',
  'business-intelligence',
  'business-process-management',
  'cad',
  'call-center-management',
  'cloud-management',
  'collaboration',
  'communications',
  'compliance-management',
  'contact-management',
  'content-management',
  'crm',
  'customer-service-and-support',
  'data-analytics',
  'data-collection',
  'data-visualization',
  'design',
  'design-system',
  'digital-asset-management',
  'digital-citizenship',
  'document-management',
  'donor-management',
  'e-commerce',
  'e-signature',
  'educational-content',
  'email-management',
  'email-marketing',
  'employee-management',
  'enterprise-project-management',
  'enterprise-social-networking',
  'erp',
  'event-management',
  'facility-management',
  'feedback-and-reviews-management',
  'financial-reporting',
  'fleet-management',
  'fundraising',
  'gamification',
  'geographic-information-systems',
  'grant-management',
  'graphic-design',
  'help-desk',
  'hr',
  'ide',
  'identity-management',
  'instant-messaging',
  'integrated-library-system',
  'inventory-management',
  'it-asset-management',
  'it-development',
  'it-management',
  'it-security',
  'it-service-management',
  'knowledge-management',
  'learning-management-system',
  'marketing',
  'mind-mapping',
  'mobile-marketing',
  'mobile-payment',
  'network-management',
  'office',
  'online-booking',
  'online-community',
  'payment-gateway',
  'payroll',
  'predictive-analysis',
  'procurement',
  'productivity-suite',
  'project-collaboration',
  'project-management',
  'property-management',
  'real-estate-management',
  'regulations-and-directives',
  'remote-support',
  'resource-management',
  'sales-management',
  'seo',
  'service-desk',
  'social-media-management',
  'survey',
  'talent-management',
  'task-management',
  'taxes-management',
  'test-management',
  'time-management',
  'time-tracking',
  'translation',
  'video-conferencing',
  'video-editing',
  'visitor-management',
  'voip',
  'warehouse-management',
  'web-collaboration',
  'web-conferencing',
  'website-builder',
  'whistleblowing',
  'workflow-management',
  'other',
] as const;
export type PubliccodeCategory = (typeof PUBLICCODE_CATEGORIES)[number];

/** The 24 `intendedAudience.scope` values. Labels: `catalog:scope.<code>`. */
export const PUBLICCODE_SCOPES = [
  'agriculture',
  'culture',
  'defence',
  'education',
  'emergency-services',
  'employment',
  'energy',
  'environment',
  'finance-and-economic-development',
  'foreign-affairs',
  'government',
  'healthcare',
  'infrastructures',
  'justice',
  'local-authorities',
  'manufacturing',
  'research',
  'science-and-technology',
  'security',
  'society',
  'sport',
  'tourism',
  'transportation',
  'welfare',
] as const;
export type PubliccodeScope = (typeof PUBLICCODE_SCOPES)[number];

/** Labels: `catalog:devStatus.<code>`. */
export const DEVELOPMENT_STATUSES = ['concept', 'development', 'beta', 'stable', 'obsolete'] as const;
export type DevelopmentStatus = (typeof DEVELOPMENT_STATUSES)[number];

/** Labels: `catalog:softwareType.<code>`. */
export const SOFTWARE_TYPES = [
  'standalone/mobile',
  'standalone/iot',
  'standalone/desktop',
  'standalone/web',
  'standalone/backend',
  'standalone/other',
  'addon',
  'library',
  'configurationFiles',
] as const;
export type SoftwareType = (typeof SOFTWARE_TYPES)[number];

/** Labels: `catalog:maintenance.<code>`. */
export const MAINTENANCE_TYPES = ['internal', 'contract', 'community', 'none'] as const;
export type MaintenanceType = (typeof MAINTENANCE_TYPES)[number];

/** The predefined `platforms`; the standard also allows other human-readable values. Labels: `catalog:platform.<code>`. */
export const PLATFORMS = ['web', 'windows', 'mac', 'linux', 'ios', 'android'] as const;
export type KnownPlatform = (typeof PLATFORMS)[number];

/** The Italian national platforms (it.piattaforme, or 0.7 `supports` aliases). Labels: `catalog:italianPlatform.<code>`. */
export const ITALIAN_PLATFORMS = ['spid', 'cie', 'anpr', 'pagopa', 'io'] as const;
export type ItalianPlatform = (typeof ITALIAN_PLATFORMS)[number];

/** Compliance flags of `it.conforme`. Labels: `catalog:conformity.<code>`. */
export const CONFORMITY_FLAGS = ['lineeGuidaDesign', 'modelloInteroperabilita', 'misureMinimeSicurezza', 'gdpr'] as const;
export type ConformityFlag = (typeof CONFORMITY_FLAGS)[number];

/** The aliases allowed in 0.7 `supports[].id` (written `alias:<name>`). */
export const SUPPORTS_ALIASES = ['gdpr', 'eidas', 'nis2', 'cra', ...ITALIAN_PLATFORMS] as const;
export type SupportsAlias = (typeof SUPPORTS_ALIASES)[number];

// PNRR measures are a national vocabulary shared with other areas: they live in the platform.
export { PNRR_MEASURES, pnrrMeasure, type PnrrMeasure } from '../../platform/vocabulary.js';

/** Type guard for a value of one of the code lists above. */
export function isVocabularyValue<T extends string>(values: readonly T[], value: unknown): value is T {
  return typeof value === 'string' && (values as readonly string[]).includes(value);
}

/**
 * The locale key of a value's label (`catalog:<section>.<value>`), or null when the value is outside
 * the vocabulary (e.g. a free platform name, shown as it is).
 */
export function vocabularyKey<T extends string>(section: string, values: readonly T[], value: string): string | null {
  return isVocabularyValue(values, value) ? `catalog:${section}.${value}` : null;
}
