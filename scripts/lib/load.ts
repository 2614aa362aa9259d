/** HTTP load on one console page with autocannon (programmatic API): throughput and latency. */
import autocannon from 'autocannon';

export interface PageLoad {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** Connection errors, timeouts and answers other than 2xx: a page that fails fast is not fast. */
  failures: number;
}

export async function loadPage(url: string, connections: number, seconds: number): Promise<PageLoad> {
  const result = await autocannon({ url, connections, duration: seconds });
  return {
    requestsPerSecond: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    failures: result.errors + result.non2xx,
  };
}
