// What a business area plugs into the platform: models, routes, menu entries, jobs, demo data.
import type { Router } from 'express';
import type { Sequelize } from 'sequelize';
import type { Viewer } from '../platform/actor.js';
import type { Platform } from '../platform/context.js';
import type { JobDefinition } from '../platform/jobs.js';

export type NavItem = {
  /** i18n key of the label, e.g. 'nav.catalog'. */
  labelKey: string;
  href: string;
  order: number;
  visible?: (viewer: Viewer) => boolean;
};

export type HomeCard = { title: string; text: string; href: string; linkLabel: string; icon?: string; count?: number };

export type AppModule = {
  name: string;
  initModels?: (sequelize: Sequelize) => void;
  router?: (platform: Platform) => Router;
  nav?: NavItem[];
  /** Open-data links this area adds to the footer. */
  footerLinks?: Array<{ label: string; href: string }>;
  jobs?: (platform: Platform) => JobDefinition<never>[];
  /** Demo data; runs in module order on an empty database. */
  seed?: (platform: Platform) => Promise<void>;
  /** Cards on the home page for this viewer. */
  homeCards?: (platform: Platform, viewer: Viewer) => Promise<HomeCard[]>;
  /** Sections this area adds to a body's page (/enti/:id): an EJS view of the area and its locals. */
  entityPanels?: (platform: Platform, viewer: Viewer, entityId: number) => Promise<Array<{ view: string; locals: Record<string, unknown> }>>;
};
