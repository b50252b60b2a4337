// Controlled vocabularies of publiccode.yml (spec 0.7) and of the catalogue facets,
// each value with the Italian label the interface shows.

/** The 106 `categories` values, in the order of the standard's categories list. */
export const CATEGORY_LABELS = {
  'accounting': 'Contabilità',
  'agile-project-management': 'Gestione agile dei progetti',
  'applicant-tracking': 'Gestione delle candidature',
  'application-development': 'Sviluppo di applicazioni',
  'appointment-scheduling': 'Prenotazione di appuntamenti',
  'backup': 'Backup',
  'billing-and-invoicing': 'Fatturazione',
  'blog': 'Blog',
  'budgeting': 'Gestione del bilancio',
  'business-intelligence': 'Business intelligence',
  'business-process-management': 'Gestione dei processi',
  'cad': 'Progettazione assistita (CAD)',
  'call-center-management': 'Gestione di call center',
  'cloud-management': 'Gestione del cloud',
  'collaboration': 'Collaborazione',
  'communications': 'Comunicazione',
  'compliance-management': 'Gestione della conformità',
  'contact-management': 'Gestione dei contatti',
  'content-management': 'Gestione dei contenuti',
  'crm': 'Gestione delle relazioni con gli utenti (CRM)',
  'customer-service-and-support': 'Assistenza agli utenti',
  'data-analytics': 'Analisi dei dati',
  'data-collection': 'Raccolta dati',
  'data-visualization': 'Visualizzazione dei dati',
  'design': 'Design',
  'design-system': 'Design system',
  'digital-asset-management': 'Gestione delle risorse digitali',
  'digital-citizenship': 'Cittadinanza digitale',
  'document-management': 'Gestione documentale',
  'donor-management': 'Gestione dei donatori',
  'e-commerce': 'Commercio elettronico',
  'e-signature': 'Firma elettronica',
  'educational-content': 'Contenuti didattici',
  'email-management': 'Gestione della posta elettronica',
  'email-marketing': 'Email marketing',
  'employee-management': 'Gestione del personale',
  'enterprise-project-management': "Gestione dei progetti dell'ente",
  'enterprise-social-networking': 'Social network interno',
  'erp': 'Pianificazione delle risorse (ERP)',
  'event-management': 'Gestione degli eventi',
  'facility-management': 'Gestione delle strutture',
  'feedback-and-reviews-management': 'Gestione di opinioni e recensioni',
  'financial-reporting': 'Rendicontazione finanziaria',
  'fleet-management': 'Gestione del parco veicoli',
  'fundraising': 'Raccolta fondi',
  'gamification': 'Gamification',
  'geographic-information-systems': 'Sistemi informativi territoriali (GIS)',
  'grant-management': 'Gestione di contributi e finanziamenti',
  'graphic-design': 'Grafica',
  'help-desk': 'Help desk',
  'hr': 'Risorse umane',
  'ide': 'Ambienti di sviluppo (IDE)',
  'identity-management': 'Gestione delle identità',
  'instant-messaging': 'Messaggistica istantanea',
  'integrated-library-system': 'Gestione bibliotecaria',
  'inventory-management': "Gestione dell'inventario",
  'it-asset-management': 'Gestione dei beni informatici',
  'it-development': 'Sviluppo informatico',
  'it-management': 'Gestione dei sistemi informatici',
  'it-security': 'Sicurezza informatica',
  'it-service-management': 'Gestione dei servizi informatici',
  'knowledge-management': 'Gestione della conoscenza',
  'learning-management-system': 'Piattaforma per la formazione (LMS)',
  'marketing': 'Marketing',
  'mind-mapping': 'Mappe mentali',
  'mobile-marketing': 'Marketing su dispositivi mobili',
  'mobile-payment': 'Pagamenti da dispositivi mobili',
  'network-management': 'Gestione delle reti',
  'office': "Produttività d'ufficio",
  'online-booking': 'Prenotazioni online',
  'online-community': 'Comunità online',
  'payment-gateway': 'Piattaforma di pagamento',
  'payroll': 'Gestione degli stipendi',
  'predictive-analysis': 'Analisi predittiva',
  'procurement': 'Approvvigionamenti',
  'productivity-suite': 'Suite di produttività',
  'project-collaboration': 'Collaborazione sui progetti',
  'project-management': 'Gestione dei progetti',
  'property-management': 'Gestione del patrimonio',
  'real-estate-management': 'Gestione immobiliare',
  'regulations-and-directives': 'Norme e direttive',
  'remote-support': 'Assistenza remota',
  'resource-management': 'Gestione delle risorse',
  'sales-management': 'Gestione delle vendite',
  'seo': 'Ottimizzazione per i motori di ricerca (SEO)',
  'service-desk': 'Service desk',
  'social-media-management': 'Gestione dei social media',
  'survey': 'Sondaggi e questionari',
  'talent-management': 'Gestione dei talenti',
  'task-management': 'Gestione delle attività',
  'taxes-management': 'Gestione dei tributi',
  'test-management': 'Gestione dei test',
  'time-management': 'Gestione del tempo',
  'time-tracking': 'Rilevazione dei tempi di lavoro',
  'translation': 'Traduzione',
  'video-conferencing': 'Videoconferenza',
  'video-editing': 'Montaggio video',
  'visitor-management': 'Gestione dei visitatori',
  'voip': 'Telefonia VoIP',
  'warehouse-management': 'Gestione del magazzino',
  'web-collaboration': 'Collaborazione via web',
  'web-conferencing': 'Conferenze via web',
  'website-builder': 'Creazione di siti web',
  'whistleblowing': 'Segnalazione di illeciti (whistleblowing)',
  'workflow-management': 'Gestione dei flussi di lavoro',
  'other': 'Altro',
} as const;
export type PubliccodeCategory = keyof typeof CATEGORY_LABELS;
export const PUBLICCODE_CATEGORIES = Object.keys(CATEGORY_LABELS) as readonly PubliccodeCategory[];

/** The 24 `intendedAudience.scope` values. */
export const SCOPE_LABELS = {
  'agriculture': 'Agricoltura',
  'culture': 'Cultura',
  'defence': 'Difesa',
  'education': 'Istruzione',
  'emergency-services': 'Servizi di emergenza',
  'employment': 'Lavoro e occupazione',
  'energy': 'Energia',
  'environment': 'Ambiente',
  'finance-and-economic-development': 'Finanza e sviluppo economico',
  'foreign-affairs': 'Affari esteri',
  'government': 'Pubblica amministrazione',
  'healthcare': 'Sanità',
  'infrastructures': 'Infrastrutture',
  'justice': 'Giustizia',
  'local-authorities': 'Enti locali',
  'manufacturing': 'Industria manifatturiera',
  'research': 'Ricerca',
  'science-and-technology': 'Scienza e tecnologia',
  'security': 'Sicurezza',
  'society': 'Società',
  'sport': 'Sport',
  'tourism': 'Turismo',
  'transportation': 'Trasporti',
  'welfare': 'Politiche sociali',
} as const;
export type PubliccodeScope = keyof typeof SCOPE_LABELS;
export const PUBLICCODE_SCOPES = Object.keys(SCOPE_LABELS) as readonly PubliccodeScope[];

export const DEVELOPMENT_STATUS_LABELS = {
  concept: 'Ideazione',
  development: 'In sviluppo',
  beta: 'Beta',
  stable: 'Stabile',
  obsolete: 'Obsoleto',
} as const;
export type DevelopmentStatus = keyof typeof DEVELOPMENT_STATUS_LABELS;
export const DEVELOPMENT_STATUSES = Object.keys(DEVELOPMENT_STATUS_LABELS) as readonly DevelopmentStatus[];

export const SOFTWARE_TYPE_LABELS = {
  'standalone/mobile': 'App per dispositivi mobili',
  'standalone/iot': 'Internet delle cose (IoT)',
  'standalone/desktop': 'Applicazione desktop',
  'standalone/web': 'Applicazione web',
  'standalone/backend': 'Servizio di backend',
  'standalone/other': 'Applicazione autonoma (altro)',
  'addon': 'Componente aggiuntivo',
  'library': 'Libreria',
  'configurationFiles': 'File di configurazione',
} as const;
export type SoftwareType = keyof typeof SOFTWARE_TYPE_LABELS;
export const SOFTWARE_TYPES = Object.keys(SOFTWARE_TYPE_LABELS) as readonly SoftwareType[];

export const MAINTENANCE_TYPE_LABELS = {
  internal: 'Interna',
  contract: 'Affidata con contratto',
  community: 'Comunità',
  none: 'Nessuna',
} as const;
export type MaintenanceType = keyof typeof MAINTENANCE_TYPE_LABELS;
export const MAINTENANCE_TYPES = Object.keys(MAINTENANCE_TYPE_LABELS) as readonly MaintenanceType[];

/** The predefined `platforms`; the standard also allows other human-readable values. */
export const PLATFORM_LABELS = {
  web: 'Web',
  windows: 'Windows',
  mac: 'macOS',
  linux: 'Linux',
  ios: 'iOS',
  android: 'Android',
} as const;
export type KnownPlatform = keyof typeof PLATFORM_LABELS;
export const PLATFORMS = Object.keys(PLATFORM_LABELS) as readonly KnownPlatform[];

/** The Italian national platforms (it.piattaforme, or 0.7 `supports` aliases). */
export const ITALIAN_PLATFORM_LABELS = {
  spid: 'SPID',
  cie: "CIE (Carta d'identità elettronica)",
  anpr: 'ANPR',
  pagopa: 'pagoPA',
  io: 'App IO',
} as const;
export type ItalianPlatform = keyof typeof ITALIAN_PLATFORM_LABELS;
export const ITALIAN_PLATFORMS = Object.keys(ITALIAN_PLATFORM_LABELS) as readonly ItalianPlatform[];

/** Compliance flags of `it.conforme`. */
export const CONFORMITY_LABELS = {
  lineeGuidaDesign: 'Linee guida di design per i servizi digitali',
  modelloInteroperabilita: 'Modello di interoperabilità',
  misureMinimeSicurezza: 'Misure minime di sicurezza ICT',
  gdpr: 'GDPR',
} as const;
export type ConformityFlag = keyof typeof CONFORMITY_LABELS;
export const CONFORMITY_FLAGS = Object.keys(CONFORMITY_LABELS) as readonly ConformityFlag[];

/** The aliases allowed in 0.7 `supports[].id` (written `alias:<name>`). */
export const SUPPORTS_ALIAS_LABELS = {
  gdpr: 'GDPR',
  eidas: 'eIDAS',
  nis2: 'Direttiva NIS2',
  cra: 'Cyber Resilience Act',
  ...ITALIAN_PLATFORM_LABELS,
} as const;
export type SupportsAlias = keyof typeof SUPPORTS_ALIAS_LABELS;
export const SUPPORTS_ALIASES = Object.keys(SUPPORTS_ALIAS_LABELS) as readonly SupportsAlias[];

// PNRR measures are a national vocabulary shared with other areas: they live in the platform.
export { PNRR_MEASURES, pnrrMeasure, type PnrrMeasure } from '../../platform/vocabulary.js';

/** Type guard for a value of one of the label tables above. */
export function isVocabularyValue<T extends string>(labels: Readonly<Record<T, string>>, value: unknown): value is T {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(labels, value);
}

/** The Italian label of a value, or the value itself when it is outside the vocabulary (e.g. a free platform name). */
export function vocabularyLabel<T extends string>(labels: Readonly<Record<T, string>>, value: string): string {
  return isVocabularyValue(labels, value) ? labels[value] : value;
}
