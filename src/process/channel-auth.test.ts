import { describe, expect, it } from 'vitest';
import { MAX_SKEW_MS, isProvenResponse, nonceMemory, openBody, requestProblem, responseProof, signRequest } from './channel-auth.js';

const secret = 'a-shared-secret-for-unit-tests';

function incoming(signed: ReturnType<typeof signRequest>, method: string, path: string) {
  return { method, path, authorization: signed.headers.authorization, nonce: signed.headers['x-control-nonce'], time: signed.headers['x-control-time'], body: signed.body ?? '' };
}

describe('signed requests', () => {
  it('verify under the same secret, and carry neither the secret nor the plain body', () => {
    const plain = JSON.stringify({ key: 'the-api-key-being-handed-over' });
    const signed = signRequest(secret, 'POST', '/api-key', plain);
    expect(requestProblem(secret, incoming(signed, 'POST', '/api-key'))).toBeUndefined();
    const wire = JSON.stringify(signed);
    expect(wire).not.toContain(secret);
    expect(wire).not.toContain('the-api-key-being-handed-over');
    expect(openBody(secret, signed.nonce, 'POST', '/api-key', signed.body!)).toBe(plain);
  });

  it('are refused under another secret, with another path or method, a changed body, or too old', () => {
    const signed = signRequest(secret, 'POST', '/api-key/revoke', '{}');
    expect(requestProblem('another-secret', incoming(signed, 'POST', '/api-key/revoke'))).toMatch(/Wrong signature/);
    expect(requestProblem(secret, incoming(signed, 'POST', '/deploy-fix'))).toMatch(/Wrong signature/);
    expect(requestProblem(secret, incoming(signed, 'GET', '/api-key/revoke'))).toMatch(/Wrong signature/);
    expect(requestProblem(secret, { ...incoming(signed, 'POST', '/api-key/revoke'), body: '{"sealed":"x"}' })).toMatch(/Wrong signature/);
    expect(requestProblem(secret, { ...incoming(signed, 'POST', '/api-key/revoke'), authorization: `Bearer ${secret}` })).toMatch(/Unsigned/);
    const old = signRequest(secret, 'GET', '/status', undefined, Date.now() - MAX_SKEW_MS - 1000);
    expect(requestProblem(secret, incoming(old, 'GET', '/status'))).toMatch(/too old/);
  });

  it('seal bodies so that only the same secret, nonce and request open them', () => {
    const signed = signRequest(secret, 'POST', '/api-key', '{"key":"k"}');
    expect(openBody('another-secret', signed.nonce, 'POST', '/api-key', signed.body!)).toBeUndefined();
    expect(openBody(secret, signRequest(secret, 'GET', '/').nonce, 'POST', '/api-key', signed.body!)).toBeUndefined();
    expect(openBody(secret, signed.nonce, 'POST', '/keys', signed.body!)).toBeUndefined();
    expect(openBody(secret, signed.nonce, 'POST', '/api-key', '{"key":"k"}')).toBeUndefined();
  });

  it('answers are believed only with the proof of the same secret, for that request, status and body', () => {
    const proof = responseProof(secret, 'nonce-1', 200, '{"ok":true}');
    expect(isProvenResponse(secret, 'nonce-1', 200, '{"ok":true}', proof)).toBe(true);
    expect(isProvenResponse(secret, 'nonce-2', 200, '{"ok":true}', proof)).toBe(false);
    expect(isProvenResponse(secret, 'nonce-1', 500, '{"ok":true}', proof)).toBe(false);
    expect(isProvenResponse(secret, 'nonce-1', 200, '{"ok":false}', proof)).toBe(false);
    expect(isProvenResponse('another-secret', 'nonce-1', 200, '{"ok":true}', proof)).toBe(false);
    expect(isProvenResponse(secret, 'nonce-1', 200, '{"ok":true}', null)).toBe(false);
  });

  it('remembers nonces for the time window, so a replay is refused', () => {
    const memory = nonceMemory(1000);
    expect(memory.seen('a', 0)).toBe(false);
    expect(memory.seen('a', 500)).toBe(true);
    expect(memory.seen('b', 600)).toBe(false);
    expect(memory.seen('a', 2000)).toBe(false); // forgotten after the window, when its time check refuses it anyway
  });
});
