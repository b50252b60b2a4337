import { Router } from 'express';
import { isStaff } from '../../platform/actor.js';
import type { Platform } from '../../platform/context.js';
import { localPath, viewerOf } from '../../web/http.js';
import { pickLanguage } from '../../platform/i18n.js';
import type { AppModule, HomeCard, Registry } from '../../web/module.js';
import { countActiveBodies, findBody } from '../entities/index.js';

function homeRouter(platform: Platform, registry: Registry): Router {
  const router = Router();
  router.get('/', async (req, res) => {
    const viewer = viewerOf(req);
    const cards = await registry.homeCards(platform, viewer);
    const entity = await findBody(viewer?.entityId);
    const memberCount = await countActiveBodies();
    res.render('home/index', { title: 'Home', cards, entity, memberCount, staff: isStaff(viewer) });
  });
  router.get('/accessibilita', (_req, res) => {
    res.render('home/accessibility', { title: 'Dichiarazione di accessibilità' });
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
      { title: 'Enti aderenti', text: 'I comuni e gli enti che aderiscono al centro, con i loro referenti.', href: '/enti', linkLabel: 'Vedi gli enti', icon: 'it-pa' },
    ];
    if (viewer) cards.push({ title: 'Il tuo profilo', text: 'Nome, password e preferenze per le notifiche.', href: '/profilo', linkLabel: 'Apri il profilo', icon: 'it-user' });
    if (viewer?.role === 'referent') cards.push({ title: 'Utenti del tuo ente', text: 'Invita i colleghi e gestisci i loro accessi.', href: '/ente/utenti', linkLabel: 'Gestisci gli utenti', icon: 'it-users' });
    if (isStaff(viewer)) cards.push({ title: 'Invita un utente', text: 'Invita il personale di un ente o un nuovo operatore del centro.', href: '/utenti/invita', linkLabel: 'Invita', icon: 'it-mail' });
    return cards;
  },
};
