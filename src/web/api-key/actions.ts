/**
 * The API key panel's three actions. A new key only passes through this process's memory on its way from
 * the gateway (or the operator's form) to the worker: it is never logged, stored, rendered or put in a
 * URL, and every message that might quote it (a downstream error) is redacted first.
 */
import { redact, type Logger } from '../../logger.js';
import type { GatewayKeyAdmin, WorkerKeyControl } from '../deps.js';
import { problemOf, workerKeyOf } from './panel.js';

/** What a successful action did, as a fixed code: the no-JavaScript redirect carries it in the URL. */
export type DoneCode = 'revoked' | 'rotated' | 'set';

export type ActionOutcome =
  | { ok: true; done: DoneCode; message: string }
  | { ok: false; status: 409 | 422 | 502; message: string; field?: 'key' };

export const DONE_MESSAGES: Record<DoneCode, string> = {
  revoked: 'The worker\'s key is revoked: its polls are refused and its orders wait. Hand it a new key to carry on.',
  rotated: 'The worker has a new key and resumes polling within seconds, without a restart: the panel shows when its polls are accepted.',
  set: 'The worker now uses the key you pasted and resumes polling within seconds, without a restart. Now revoke the old key in Temporal Cloud.',
};

export interface KeyActionDeps {
  worker: WorkerKeyControl;
  gateway: GatewayKeyAdmin | undefined;
  logger: Logger;
}

/** As the worker's control channel accepts it: a key travels in an HTTP header. */
export const MAX_KEY_LENGTH = 8 * 1024;

/** Why a pasted key is refused, or undefined. Never quotes the key. Surrounding whitespace is a copy artefact and is trimmed first. */
export function apiKeyProblem(trimmed: string): string | undefined {
  if (trimmed === '') return 'Paste the new API key: the field is empty.';
  if (trimmed.length > MAX_KEY_LENGTH) return `That is longer than any API key (over ${MAX_KEY_LENGTH} characters).`;
  if (/[\u0000-\u001f\u007f-\u009f]/.test(trimmed)) return 'The key contains control characters (line breaks, tabs...): copy it again.';
  if (/\s/.test(trimmed)) return 'The key contains spaces, which no API key has: copy it again.';
  if (!/^[\x21-\x7e]+$/.test(trimmed)) return 'An API key is plain ASCII letters, digits and punctuation: copy it again.';
  return undefined;
}

/** Gateway mode: revoke the worker's key at the gateway, as a real server would. Cloud mode: the worker drops it. */
export async function revokeWorkerKey({ worker, gateway, logger }: KeyActionDeps): Promise<ActionOutcome> {
  try {
    const { apiKey } = await worker.status();
    if (!apiKey?.fingerprint) return { ok: false, status: 409, message: 'The worker has no key in use to revoke.' };
    if (!gateway) {
      await worker.revokeApiKey();
      logger.info('Worker told to drop its API key', { fingerprint: apiKey.fingerprint });
      return { ok: true, done: 'revoked', message: 'The worker dropped its key: its polls are refused and its orders wait. Hand it a new key to carry on.' };
    }
    const key = workerKeyOf((await gateway.listKeys()).keys, apiKey);
    if (!key) return { ok: false, status: 409, message: `The gateway issued no key ending in ${apiKey.fingerprint}: the worker does not connect through it.` };
    if (key.revokedAt) return { ok: false, status: 409, message: `The key ending in ${key.fingerprint} is already revoked.` };
    await gateway.revokeKey(key.id);
    logger.info('Worker\'s API key revoked at the gateway', { keyId: key.id, fingerprint: key.fingerprint });
    return { ok: true, done: 'revoked', message: `The key ending in ${key.fingerprint} is revoked: the worker's polls are refused and its orders wait. Hand it a new key to carry on.` };
  } catch (err) {
    return failed('Revoking the key', err, [], logger);
  }
}

/** Gateway mode: issue a key, hand it to the worker, then (optionally) revoke the one it replaced. */
export async function rotateWorkerKey({ worker, gateway, logger }: KeyActionDeps, { revokeOld }: { revokeOld: boolean }): Promise<ActionOutcome> {
  if (!gateway) return { ok: false, status: 409, message: 'No gateway here: create the new key in Temporal Cloud and paste it below.' };
  let issuedKey: string | undefined;
  try {
    const { apiKey } = await worker.status();
    if (!apiKey) return { ok: false, status: 409, message: 'The worker connects without an API key: there is nothing to rotate.' };
    const old = workerKeyOf((await gateway.listKeys()).keys, apiKey);
    const issued = await gateway.issueKey(`orders-worker ${new Date().toISOString()}`);
    issuedKey = issued.key;
    try {
      await worker.setApiKey(issued.key);
    } catch (err) {
      // The worker never got it: a live key nobody holds is only a risk, so withdraw it.
      await gateway.revokeKey(issued.id).catch(() => undefined);
      throw err;
    }
    logger.info('Worker rotated to a new API key', { keyId: issued.id, fingerprint: issued.fingerprint });
    let oldKey = '';
    if (revokeOld && old && !old.revokedAt) {
      oldKey = await gateway.revokeKey(old.id).then(
        () => ` (the key ending in ${old.fingerprint} is revoked)`,
        (err: unknown) => ` (the key ending in ${old.fingerprint} could not be revoked: ${redact(problemOf(err), [issued.key])})`,
      );
    }
    // Not "it carries on": a worker that gave up polling needs a few seconds to make a new Worker; the panel shows when.
    const message = `The worker now uses the key ending in ${issued.fingerprint}${oldKey}. It resumes polling within seconds, without a restart: the panel shows when its polls are accepted.`;
    return { ok: true, done: 'rotated', message };
  } catch (err) {
    return failed('Rotating the key', err, issuedKey ? [issuedKey] : [], logger);
  }
}

/** Hands the worker a key the operator pasted (Temporal Cloud). */
export async function setWorkerKey({ worker, logger }: KeyActionDeps, pasted: string): Promise<ActionOutcome> {
  const key = pasted.trim();
  const problem = apiKeyProblem(key);
  if (problem) return { ok: false, status: 422, message: problem, field: 'key' };
  try {
    const state = await worker.setApiKey(key);
    logger.info('Worker given a pasted API key', { fingerprint: state.fingerprint ?? undefined });
    return { ok: true, done: 'set', message: `The worker now uses the key ending in ${state.fingerprint ?? '?'} and resumes polling within seconds, without a restart. Now revoke the old key in Temporal Cloud.` };
  } catch (err) {
    return failed('Setting the key', err, [key, pasted], logger);
  }
}

function failed(what: string, err: unknown, hide: string[], logger: Logger): ActionOutcome {
  const message = `${what} failed: ${redact(problemOf(err), hide)}`;
  logger.warn(message);
  return { ok: false, status: 502, message };
}
