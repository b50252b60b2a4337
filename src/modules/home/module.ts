import { Router } from 'express';
import { isStaff } from '../../platform/actor.js';
import type { Platform } from '../../platform/context.js';
import { localPath, viewerOf } from '../../web/http.js';
import { pickLanguage } from '../../platform/i18n.js';
import type { AppModule, HomeCard, Registry } from '../../web/module.js';
import { countActiveBodies, findBody } from '../entities/index.js';
import { partOfDay } from '../../platform/format.js';

function homeRouter(platform: Platform, registry: Registry): Router {
  const router = Router();
  router.get('/', async (req, res) => {
    const viewer = viewerOf(req);
    const [cards, sections] = await Promise.all([registry.homeCards(platform, viewer), registry.homeSections(platform, viewer)]);
    const entity = await findBody(viewer?.entityId);
    const memberCount = await countActiveBodies();
    res.render('home/index', { cards, sections, entity, memberCount, staff: isStaff(viewer), greeting: partOfDay() });
  });
  router.get('/accessibilita', (_req, res) => {
    res.render('home/accessibility');
  });
  router.get('/privacy', (_req, res) => {
    res.render('home/privacy');
  });
  router.get('/note-legali', (_req, res) => {
    res.render('home/legal');
  });
  // A preference cookie, not business state: a plain link works for visitors without creating a session.
  router.get('/lingua', (req, res) => {
    res.cookie('lang', pickLanguage(req.query.lang), { httpOnly: true, sameSite: 'lax', secure: platform.config.secureCookies, maxAge: 365 * 86_400_000 });
    res.redirect(localPath(req.query.back));
  });
  return router;
}

export const homeModule: AppModule = {
  name: 'home',
  router: homeRouter,
  nav: [],
  homeCards: async (_platform, viewer) => {
    const cards: HomeCard[] = [
      { title: 'home:card.bodiesTitle', text: 'home:card.bodiesText', href: '/enti', linkLabel: 'home:card.bodiesLink', icon: 'it-pa' },
    ];
    if (viewer) cards.push({ title: 'home:card.profileTitle', text: 'home:card.profileText', href: '/profilo', linkLabel: 'home:card.profileLink', icon: 'it-user' });
    if (viewer?.role === 'referent') cards.push({ title: 'home:card.usersTitle', text: 'home:card.usersText', href: '/ente/utenti', linkLabel: 'home:card.usersLink', icon: 'it-users' });
    if (isStaff(viewer)) cards.push({ title: 'home:card.inviteTitle', text: 'home:card.inviteText', href: '/utenti/invita', linkLabel: 'home:card.inviteLink', icon: 'it-mail' });
    return cards;
  },
};
