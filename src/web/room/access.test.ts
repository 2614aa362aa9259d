import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config.js';
import { createAccess } from './access.js';

const web = (env: Record<string, string> = {}) => loadConfig({ WEB_PORT: '3000', ...env }).web;
const lan = () => ['127.0.0.1', '::1', '192.168.1.20', 'fe80::1'];

describe('createAccess', () => {
  it('on loopback answers to the loopback names only, and asks no sign-in', () => {
    const access = createAccess(web(), lan);
    expect(access).toMatchObject({ guarded: false, exposed: false, audienceUrl: undefined });
    for (const name of ['localhost', '127.0.0.1', '[::1]']) expect(access.isAllowedHost(name)).toBe(true);
    for (const name of ['evil.example', '192.168.1.20', 'localhost.evil.example']) expect(access.isAllowedHost(name)).toBe(false);
  });

  it('allows posts from its own pages only: our hosts at our port, never the request\'s own claim', () => {
    const access = createAccess(web(), lan);
    expect(access.isAllowedOrigin('http://localhost:3000')).toBe(true);
    expect(access.isAllowedOrigin('http://127.0.0.1:3000')).toBe(true);
    for (const origin of [undefined, 'null', 'http://evil.example:3000', 'http://localhost:8080', 'https://localhost:3000', 'http://localhost', 'http://localhost:3000/x']) {
      expect(access.isAllowedOrigin(origin)).toBe(false);
    }
  });

  it('bound to every interface, answers to this machine\'s addresses, offers the LAN one to the room and asks for sign-in', () => {
    const access = createAccess(web({ WEB_HOST: '0.0.0.0' }), lan);
    expect(access).toMatchObject({ guarded: true, exposed: true, audienceUrl: 'http://192.168.1.20:3000' });
    expect(access.isAllowedHost('192.168.1.20')).toBe(true);
    expect(access.isAllowedHost('[fe80::1]')).toBe(true);
    expect(access.isAllowedHost('evil.example')).toBe(false);
    expect(access.isAllowedOrigin('http://192.168.1.20:3000')).toBe(true);
  });

  it('with a public URL answers to its host too and accepts its origin exactly', () => {
    const access = createAccess(web({ WEB_PUBLIC_URL: 'https://Demo.Example.com/' }), lan);
    expect(access).toMatchObject({ guarded: true, exposed: true, audienceUrl: 'https://demo.example.com' });
    expect(access.isAllowedHost('demo.example.com')).toBe(true);
    expect(access.isAllowedOrigin('https://demo.example.com')).toBe(true);
    expect(access.isAllowedOrigin('http://demo.example.com')).toBe(false);
    expect(access.isAllowedHost('192.168.1.20')).toBe(false);
  });

  it('asks for sign-in on loopback when PRESENTER_TOKEN is set, without exposing anything', () => {
    expect(createAccess(web({ PRESENTER_TOKEN: 'a-long-presenter-token' }), lan)).toMatchObject({ guarded: true, exposed: false, audienceUrl: undefined });
  });

  it('refuses a public URL with a path and a short presenter token, without quoting the token', () => {
    expect(() => web({ WEB_PUBLIC_URL: 'http://demo.example.com/console' })).toThrow(/WEB_PUBLIC_URL/);
    expect(() => web({ WEB_PUBLIC_URL: 'ftp://demo.example.com' })).toThrow(/WEB_PUBLIC_URL/);
    expect(() => web({ PRESENTER_TOKEN: 'short-one' })).toThrow(/PRESENTER_TOKEN must be at least 16/);
    expect(() => web({ PRESENTER_TOKEN: 'short-one' })).not.toThrow(/short-one/);
  });
});
