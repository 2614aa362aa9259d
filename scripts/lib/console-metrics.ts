/** Reads the console's own figures from its /metrics page (Prometheus text format). */

export interface ConsoleFigures {
  /** order_console_temporal_calls_total, summed over methods. */
  temporalCalls: number;
  /** order_console_sse_viewers: streams open right now. */
  sseViewers: number;
}

export async function scrapeConsole(consoleUrl: string): Promise<ConsoleFigures> {
  const res = await fetch(`${consoleUrl}/metrics`);
  if (!res.ok) throw new Error(`GET /metrics answered ${res.status}`);
  const text = await res.text();
  return { temporalCalls: sum(text, 'order_console_temporal_calls_total'), sseViewers: sum(text, 'order_console_sse_viewers') };
}

/** Sum of every sample of one metric, whatever its labels. */
function sum(text: string, metric: string): number {
  let total = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(metric) || !/^[^ {]+(\{[^}]*\})? /.test(line)) continue;
    const name = line.split(/[ {]/, 1)[0];
    if (name === metric) total += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return total;
}
