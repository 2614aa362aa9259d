/**
 * Presenter sign-in and sharing with the room.
 *   GET  /presenter/sign-in?token=…  confirms before using the one-time link (a link preview only GETs it)
 *   GET  /presenter/sign-in          the form for PRESENTER_TOKEN
 *   POST /presenter/sign-in          uses the token (query or form field), sets the session cookie, 303 to /
 *   POST /presenter/sign-out         ends the session
 *   GET  /share                      the audience URL and its QR code, for the presenter's screen
 *   GET  /share/qr.svg               that QR code (qrcode, server-side SVG)
 * The token is never rendered: the confirmation form has no action, so it posts back to the address it
 * was opened at, and the answer is a redirect to a URL without it.
 */
import { Hono } from 'hono';
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import QRCode from 'qrcode';
import type { RouteContext } from '../deps.js';
import { isPresenter } from '../middleware/presenter.js';
import { renderPage } from '../respond.js';
import { SESSION_COOKIE, SESSION_TTL_MS, SIGN_IN_TTL_MS } from '../room/sessions.js';
import { field } from '../validate.js';

export function presenterRoutes(ctx: RouteContext): Hono {
  const { access, sessions } = ctx;
  let qr: Promise<string> | undefined;
  const signInPage = (c: Context, state: { confirm?: boolean; error?: string }, status: 200 | 403 = 200) => {
    const data = {
      // The address bar may hold a token: the page's own requests (its CSS, its scripts) must not carry it as a referrer.
      originOnlyReferrer: true,
      title: 'Presenter sign-in', guarded: access.guarded, standing: ctx.config.web.presenterToken !== undefined,
      linkMinutes: SIGN_IN_TTL_MS / 60_000, ...state,
    };
    return renderPage(ctx, c, 'presenter-sign-in', data, status);
  };
  return new Hono()
    .get('/presenter/sign-in', (c) => {
      if (access.guarded && isPresenter(c)) return c.redirect('/', 303);
      const token = c.req.query('token');
      if (token === undefined) return signInPage(c, {});
      if (sessions.isValidToken(token)) return signInPage(c, { confirm: true });
      return signInPage(c, { error: 'This sign-in link was used already or has expired.' }, 403);
    })
    .post('/presenter/sign-in', async (c) => {
      if (!access.guarded) return c.redirect('/', 303);
      const token = c.req.query('token') ?? field(await c.req.parseBody(), 'token');
      const cookie = sessions.signIn(token);
      if (!cookie) {
        ctx.logger.warn('Presenter sign-in refused');
        return signInPage(c, { error: c.req.query('token') ? 'This sign-in link was used already or has expired.' : 'That is not the presenter token.' }, 403);
      }
      setCookie(c, SESSION_COOKIE, cookie, {
        httpOnly: true, sameSite: 'Strict', path: '/', maxAge: SESSION_TTL_MS / 1000,
        // Over https (a public URL behind TLS) the browser must never send it in the clear.
        secure: c.req.header('origin')?.startsWith('https:') ?? false,
      });
      ctx.logger.info('Presenter signed in');
      return c.redirect('/', 303);
    })
    .post('/presenter/sign-out', (c) => {
      sessions.signOut(getCookie(c, SESSION_COOKIE));
      deleteCookie(c, SESSION_COOKIE, { path: '/' });
      return c.redirect('/', 303);
    })
    .get('/share', (c) => renderPage(ctx, c, 'share', { title: 'Share with the room', audienceUrl: access.audienceUrl }))
    .get('/share/qr.svg', async (c) => {
      if (!access.audienceUrl) return c.notFound();
      qr ??= QRCode.toString(access.audienceUrl, { type: 'svg', margin: 2, errorCorrectionLevel: 'M' });
      c.header('Content-Type', 'image/svg+xml');
      return c.body(await qr);
    });
}
