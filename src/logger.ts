/**
 * One structured logger for every process: JSON lines when stdout is not a terminal (for log shippers),
 * short readable lines when it is. Fields such as workflowId, runId and scenario ride along on every
 * line of an order. Secrets never go in: redact() strips anything that looks like a key before output.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFields = Record<string, unknown>;

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  child(fields: LogFields): Logger;
}

export interface LoggerOptions {
  level?: LogLevel;
  /** Component name shown on every line (web, worker, launcher...). */
  name: string;
  json?: boolean;
  write?: (line: string) => void;
  /** Strings that must never be printed (API keys, control secrets); replaced by [redacted]. */
  secrets?: () => Iterable<string>;
}

export function createLogger(options: LoggerOptions, bound: LogFields = {}): Logger {
  const level = ORDER[options.level ?? 'info'];
  const json = options.json ?? !process.stdout.isTTY;
  const write = options.write ?? ((line: string) => process.stdout.write(line + '\n'));
  const emit = (lvl: LogLevel, msg: string, fields?: LogFields): void => {
    if (ORDER[lvl] < level) return;
    const all = { ...bound, ...fields };
    const line = json ? jsonLine(lvl, options.name, msg, all) : prettyLine(lvl, options.name, msg, all);
    write(redact(line, options.secrets?.() ?? []));
  };
  return {
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
    child: (fields) => createLogger(options, { ...bound, ...fields }),
  };
}

function jsonLine(level: LogLevel, name: string, msg: string, fields: LogFields): string {
  return JSON.stringify({ time: new Date().toISOString(), level, name, msg, ...serializable(fields) });
}

function prettyLine(level: LogLevel, name: string, msg: string, fields: LogFields): string {
  const time = new Date().toISOString().slice(11, 23);
  const extras = Object.entries(serializable(fields))
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(' ');
  return `${time} ${level.toUpperCase().padEnd(5)} [${name}] ${msg}${extras ? ' ' + extras : ''}`;
}

function serializable(fields: LogFields): LogFields {
  const out: LogFields = {};
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    out[key] = value instanceof Error ? { type: value.name, message: value.message } : value;
  }
  return out;
}

/** Replaces each secret (and any bearer token) in a line; keys are long enough that a plain replace is safe. */
export function redact(line: string, secrets: Iterable<string>): string {
  let out = line.replace(/(Bearer\s+)[A-Za-z0-9._~+/=-]+/gi, '$1[redacted]');
  for (const secret of secrets) {
    if (secret && secret.length >= 4) out = out.split(secret).join('[redacted]');
  }
  return out;
}
