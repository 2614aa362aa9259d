/**
 * A viewer of an order page's event stream, behaving like a browser's EventSource: it reconnects after
 * the server's `retry:` delay whenever the stream ends or cannot be opened, until the order's `done`
 * event (after which htmx closes the stream) or close(). Every event is timestamped on arrival.
 */
export interface SseEvent {
  event: string;
  data: string;
  /** Date.now() when the event's last line arrived. */
  at: number;
}

export interface SseViewer {
  readonly events: SseEvent[];
  /** Streams opened so far: 1 + reconnections. */
  readonly connections: number;
  /** Why the last attempt to open or read the stream failed, for reports. */
  readonly lastProblem: string | undefined;
  /** Resolves with the `done` event's data (the order's phase). */
  readonly done: Promise<string>;
  close(): void;
}

/** EventSource's default before the server says otherwise. */
const DEFAULT_RETRY_MS = 3000;

export function watchOrder(url: string, onEvent?: (event: SseEvent) => void): SseViewer {
  const events: SseEvent[] = [];
  const abort = new AbortController();
  let connections = 0;
  let lastProblem: string | undefined;
  let retryMs = DEFAULT_RETRY_MS;
  let finish!: (data: string) => void;
  const done = new Promise<string>((resolve) => (finish = resolve));
  let finished = false;

  const dispatch = (event: SseEvent): void => {
    events.push(event);
    onEvent?.(event);
    if (event.event === 'done') {
      finished = true;
      finish(event.data);
    }
  };

  const loop = async (): Promise<void> => {
    while (!finished && !abort.signal.aborted) {
      try {
        const res = await fetch(url, { signal: abort.signal, headers: { accept: 'text/event-stream' } });
        if (!res.ok || !res.body) throw new Error(`HTTP ${res.status}`);
        connections++;
        await readEvents(res.body, dispatch, (ms) => (retryMs = ms), () => finished);
      } catch (err) {
        // Refused, reset or an error answer: like htmx's SSE extension, try again after the retry delay.
        lastProblem = (err as Error).message;
      }
      if (!finished && !abort.signal.aborted) await new Promise((resolve) => setTimeout(resolve, retryMs));
    }
  };
  void loop();

  return {
    events,
    get connections() {
      return connections;
    },
    get lastProblem() {
      return lastProblem;
    },
    done,
    close: () => abort.abort(),
  };
}

/** Parses text/event-stream (https://html.spec.whatwg.org/multipage/server-sent-events.html) until it ends. */
async function readEvents(
  body: ReadableStream<Uint8Array>,
  dispatch: (event: SseEvent) => void,
  setRetry: (ms: number) => void,
  stop: () => boolean,
): Promise<void> {
  const decoder = new TextDecoder();
  let buffer = '';
  let event = '';
  let data: string[] = [];
  const reader = body.getReader();
  try {
    while (!stop()) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += decoder.decode(value, { stream: true });
      const lines = buffer.split(/\r?\n/);
      buffer = lines.pop() ?? '';
      for (const line of lines) {
        if (line === '') {
          if (data.length) dispatch({ event: event || 'message', data: data.join('\n'), at: Date.now() });
          event = '';
          data = [];
          continue;
        }
        if (line.startsWith(':')) continue;
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        const text = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'event') event = text;
        else if (field === 'data') data.push(text);
        else if (field === 'retry' && /^\d+$/.test(text)) setRetry(Number(text));
      }
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}

/** The percentage an order-progress partial shows. */
export function progressOf(html: string): number | undefined {
  const match = /data-testid="progress-value">(\d+)%/.exec(html) ?? /<progress[^>]*value="(\d+)"/.exec(html);
  return match ? Number(match[1]) : undefined;
}
