import { Router, type Request, type Response, type NextFunction } from 'express';
import passport from 'passport';
import type { Platform } from '../../platform/context.js';
import { ForbiddenError } from '../../platform/errors.js';
import { msg } from '../../platform/messages.js';
import { actorOf, flash, formAction, idParam, localPath, requireAdmin, requireLogin } from '../../web/http.js';
import { parsePage, paginate } from '../../web/pagination.js';
import { ROLES } from '../../platform/actor.js';
import { LANGUAGES, pickLanguage } from '../../platform/i18n.js';
import { bodyFilterText, bodyOptions } from '../entities/index.js';
import {
  acceptInvitation,
  changePassword,
  changeRole,
  checkToken,
  invite,
  INVITATION_DAYS,
  listUsers,
  profileOf,
  acceptPasswordResetRequest,
  sendPasswordReset,
  resetPassword,
  setUserStatus,
  updateProfile,
} from './service.js';
import { DEMO_PASSWORD } from './seed.js';
import { loginFormSchema } from './schemas.js';
import { parseInput } from '../../platform/validation.js';

const DEMO_ACCOUNTS = [
  { email: 'admin@cithub.example', role: 'admin', body: 'CIT (Comune di Lecce)' },
  { email: 'staff@cithub.example', role: 'staff', body: 'CIT (Comune di Lecce)' },
  { email: 'rtd@russi.cithub.example', role: 'rtd', body: 'Comune di Russi' },
  { email: 'utente@russi.cithub.example', role: 'member', body: 'Comune di Russi' },
  { email: 'rtd@potenza.cithub.example', role: 'rtd', body: 'Comune di Potenza' },
  { email: 'rtd@otranto.cithub.example', role: 'rtd', body: 'Comune di Otranto' },
];

export function accountsRouter(platform: Platform): Router {
  const router = Router();
  const loginLocals = (req: Request) => ({
    demoAccounts: platform.config.demoMode ? DEMO_ACCOUNTS : [],
    demoPassword: DEMO_PASSWORD,
    values: { email: typeof req.query.email === 'string' ? req.query.email : '' },
  });

  router.get('/login', (req, res) => {
    if (req.user) return res.redirect('/');
    res.render('accounts/login', loginLocals(req));
  });

  router.post('/login', async (req: Request, res: Response, next: NextFunction) => {
    // An empty or oversized field is told next to it, in the reader's language, with the email kept
    // (passport alone would answer "Missing credentials").
    let filled = false;
    await formAction(req, res, 'accounts/login', loginLocals(req), async () => {
      parseInput(loginFormSchema, req.body);
      filled = true;
    });
    if (!filled) return;
    passport.authenticate('local', (err: unknown, user: Express.User | false, info?: { message?: string; status?: number }) => {
      if (err) return next(err);
      if (!user) {
        const email = typeof req.body?.email === 'string' ? req.body.email.slice(0, 254) : '';
        return res.status(info?.status === 429 ? 429 : 401).render('accounts/login', { ...loginLocals(req), values: { email }, errorMessage: info?.message ?? msg('accounts:login.invalid'), errors: { _form: info?.message ?? '' } });
      }
      const returnTo = localPath(req.session.returnTo);
      // req.logIn regenerates the session (a new session id at login).
      req.logIn(user, (loginErr) => {
        if (loginErr) return next(loginErr);
        res.redirect(returnTo);
      });
    })(req, res, next);
  });

  router.post('/logout', (req, res, next) => {
    req.logout((err) => {
      if (err) return next(err);
      req.session.destroy(() => {
        res.clearCookie('cithub.sid');
        res.redirect('/');
      });
    });
  });

  // ---- invitations ----
  router.get('/invito/:token', async (req, res) => {
    const { user } = await checkToken(platform, 'invitation', req.params.token);
    res.render('accounts/accept-invitation', { email: user.email, token: req.params.token, values: { name: user.name } });
  });
  router.post('/invito/:token', async (req, res) => {
    const { user } = await checkToken(platform, 'invitation', req.params.token);
    await formAction(req, res, 'accounts/accept-invitation', { email: user.email, token: req.params.token }, async () => {
      const activated = await acceptInvitation(platform, req.params.token, req.body, req.ip ?? null);
      await new Promise<void>((resolve, reject) => req.logIn(activated, (err) => (err ? reject(err) : resolve())));
      flash(req, 'success', msg('accounts:flash.welcome'));
      res.redirect('/');
    });
  });

  // ---- password reset ----
  router.get('/password/dimenticata', (_req, res) => {
    res.render('accounts/forgot');
  });
  router.post('/password/dimenticata', async (req, res) => {
    await formAction(req, res, 'accounts/forgot', {}, async () => {
      const request = await acceptPasswordResetRequest(platform, req.body, req.ip ?? null);
      // The link is made and mailed once the answer has gone, so known and unknown emails answer alike.
      // The mail speaks the language the person asked in.
      const lang = pickLanguage(res.locals.lang);
      res.once('finish', () => {
        sendPasswordReset(platform, request, lang).catch((err: unknown) => platform.log.error({ err }, 'password reset mail not queued'));
      });
      res.render('accounts/forgot-sent');
    });
  });
  router.get('/password/reimposta/:token', async (req, res) => {
    await checkToken(platform, 'password_reset', req.params.token);
    res.render('accounts/reset', { token: req.params.token });
  });
  router.post('/password/reimposta/:token', async (req, res) => {
    await checkToken(platform, 'password_reset', req.params.token);
    await formAction(req, res, 'accounts/reset', { token: req.params.token }, async () => {
      await resetPassword(platform, req.params.token, req.body, req.ip ?? null);
      flash(req, 'success', msg('accounts:flash.passwordReset'));
      res.redirect('/login');
    });
  });

  // ---- profile ----
  router.get('/profilo', requireLogin, async (req, res) => {
    const user = await profileOf(actorOf(req).userId);
    res.render('accounts/profile', { user, languages: LANGUAGES, values: { name: user?.name, notifyOptional: user?.notifyOptional ? 'on' : '', locale: user?.locale } });
  });
  router.post('/profilo', requireLogin, async (req, res) => {
    const user = await profileOf(actorOf(req).userId);
    await formAction(req, res, 'accounts/profile', { user, languages: LANGUAGES }, async () => {
      await updateProfile(platform, actorOf(req), req.body);
      flash(req, 'success', msg('accounts:flash.profileSaved'));
      res.redirect('/profilo');
    });
  });
  router.post('/profilo/password', requireLogin, async (req, res) => {
    const user = await profileOf(actorOf(req).userId);
    await formAction(req, res, 'accounts/profile', { user, languages: LANGUAGES, values: { name: user?.name, notifyOptional: user?.notifyOptional ? 'on' : '', locale: user?.locale } }, async () => {
      const changed = await changePassword(platform, actorOf(req), req.body);
      // Every session of the user has ended; this browser stays signed in with a new session id.
      await new Promise<void>((resolve, reject) => req.logIn(changed, (err) => (err ? reject(err) : resolve())));
      flash(req, 'success', msg('accounts:flash.passwordChanged'));
      res.redirect('/profilo');
    });
  });

  // ---- users: admin for everyone, a referent for their own body ----
  const usersPage = async (req: Request, res: Response, scope: 'all' | 'body', extra: Record<string, unknown> = {}) => {
    const actor = actorOf(req);
    const page = parsePage(req.query as Record<string, unknown>, 25);
    const entityScope = scope === 'body' ? (actor.entityId ?? -1) : undefined;
    const result = await listUsers(actor, req.query, page, entityScope);
    const basePath = scope === 'body' ? '/ente/utenti' : '/admin/utenti';
    res.status(extra.errors ? 422 : 200).render('accounts/users', {
      // Not `scope`: EJS reads that name as one of its own options.
      listScope: scope,
      basePath,
      ...result,
      roles: ROLES,
      bodyFilter: scope === 'all' ? { text: await bodyFilterText(result.filter.entityName, result.filter.entityId) } : null,
      pagination: paginate(result.total, page, basePath, req.query as Record<string, unknown>),
      ...extra,
    });
  };
  const requireReferentOrStaff = (req: Request, _res: Response, next: NextFunction) => {
    const actor = actorOf(req);
    if (actor.role === 'referent' || actor.role === 'staff' || actor.role === 'admin') return next();
    next(new ForbiddenError(undefined, 'accounts.users'));
  };
  router.get('/admin/utenti', requireAdmin, (req, res) => usersPage(req, res, 'all'));
  router.get('/ente/utenti', requireLogin, requireReferentOrStaff, (req, res) => usersPage(req, res, 'body'));

  router.get('/utenti/invita', requireLogin, requireReferentOrStaff, async (req, res) => {
    const actor = actorOf(req);
    res.render('accounts/invite', { entities: actor.role === 'referent' ? [] : await bodyOptions(), roles: ROLES, values: { role: 'member' } });
  });
  router.post('/utenti/invita', requireLogin, requireReferentOrStaff, async (req, res) => {
    const actor = actorOf(req);
    const entities = actor.role === 'referent' ? [] : await bodyOptions();
    await formAction(req, res, 'accounts/invite', { entities, roles: ROLES }, async () => {
      // The same answer whether or not the email was already registered (no enumeration).
      const { email } = await invite(platform, actor, req.body);
      flash(req, 'success', msg('accounts:flash.invited', { email, days: INVITATION_DAYS }));
      res.redirect(actor.role === 'referent' ? '/ente/utenti' : '/admin/utenti');
    });
  });
  router.post('/utenti/:id/stato', requireLogin, async (req, res) => {
    const status = req.body.status === 'active' ? 'active' : 'disabled';
    const user = await setUserStatus(platform, actorOf(req), idParam(req.params.id), status);
    flash(req, 'success', msg(status === 'disabled' ? 'accounts:flash.disabled' : 'accounts:flash.enabled', { email: user.email }));
    res.redirect(localPath(req.body.back));
  });
  router.post('/utenti/:id/ruolo', requireAdmin, async (req, res) => {
    const user = await changeRole(platform, actorOf(req), idParam(req.params.id), req.body);
    flash(req, 'success', msg('accounts:flash.roleChanged', { email: user.email }));
    res.redirect(localPath(req.body.back));
  });
  return router;
}
