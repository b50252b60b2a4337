// What a business area plugs into the platform: models, routes, menu entries, jobs, demo data.
// The types live here, in web/, because the platform's HTTP edge (locals, app) reads them and web/
// never imports an area; the list of areas itself is built by the composition root (src/boot.ts)
// and handed in: no area imports it.
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

/** title, text and linkLabel are Messages (a key such as 'home:card.bodiesTitle', or msg()), translated by the home page. */
/** A card of the home page. `count` is shown large and read after the title; `countLabel` (a Message) words it ("10 soluzioni pubblicate"). */
export type HomeCard = { title: string; text: string; href: string; linkLabel: string; icon?: string; count?: number; countLabel?: string };

/** A section an area adds to a body's page (/enti/:id): an EJS view of the area and its locals. */
export type EntityPanel = { view: string; locals: Record<string, unknown> };

/** A section an area adds to the home page below the cards (the latest news): an EJS view and its locals. */
export type HomeSection = EntityPanel;

export type AppModule = {
  name: string;
  initModels?: (sequelize: Sequelize) => void;
  /** The area's routes; `registry` is what the area may ask of the other areas (home cards, body panels). */
  router?: (platform: Platform, registry: Registry) => Router;
  nav?: NavItem[];
  /** Open-data links this area adds to the footer; `label` is a Message, translated by the layout. */
  footerLinks?: Array<{ label: string; href: string }>;
  jobs?: (platform: Platform) => JobDefinition<never>[];
  /** Demo data; runs in module order on an empty database. */
  seed?: (platform: Platform) => Promise<void>;
  /** Cards on the home page for this viewer. */
  homeCards?: (platform: Platform, viewer: Viewer) => Promise<HomeCard[]>;
  /** Sections this area adds to a body's page (/enti/:id). */
  entityPanels?: (platform: Platform, viewer: Viewer, entityId: number) => Promise<EntityPanel[]>;
  /** Sections this area adds to the home page. */
  homeSections?: (platform: Platform, viewer: Viewer) => Promise<HomeSection[]>;
  /**
   * POST paths authorised by the single-use token in their URL alone, sent by a mail client with no
   * session (RFC 8058 one-click unsubscribe): the CSRF check does not apply to them, nothing else does.
   */
  oneClickPaths?: RegExp[];
};

/** The areas as a whole, built once by the composition root and handed to whoever needs to ask all of them. */
export type Registry = {
  readonly modules: readonly AppModule[];
  /** The menu, in order. */
  readonly nav: readonly NavItem[];
  readonly footerLinks: ReadonlyArray<{ label: string; href: string }>;
  homeCards(platform: Platform, viewer: Viewer): Promise<HomeCard[]>;
  entityPanels(platform: Platform, viewer: Viewer, entityId: number): Promise<EntityPanel[]>;
  homeSections(platform: Platform, viewer: Viewer): Promise<HomeSection[]>;
};

export function createRegistry(modules: readonly AppModule[]): Registry {
  return {
    modules,
    nav: modules.flatMap((m) => m.nav ?? []).sort((a, b) => a.order - b.order),
    footerLinks: modules.flatMap((m) => m.footerLinks ?? []),
    homeCards: async (platform, viewer) => (await Promise.all(modules.map((m) => m.homeCards?.(platform, viewer) ?? Promise.resolve([])))).flat(),
    entityPanels: async (platform, viewer, entityId) => (await Promise.all(modules.map((m) => m.entityPanels?.(platform, viewer, entityId) ?? Promise.resolve([])))).flat(),
    homeSections: async (platform, viewer) => (await Promise.all(modules.map((m) => m.homeSections?.(platform, viewer) ?? Promise.resolve([])))).flat(),
  };
}
