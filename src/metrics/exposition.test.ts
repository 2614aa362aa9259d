import { describe, expect, it } from 'vitest';
import { ExpositionError, parseExposition, sum } from './exposition.js';

const VALID = `# HELP order_demo_activity_attempts_total Activity attempts, with a \\\\ and a \\n in its help.
# TYPE order_demo_activity_attempts_total counter
order_demo_activity_attempts_total{activity="ChargeCustomer",scenario="APIFailure"} 5
order_demo_activity_attempts_total{activity="CheckFraud",scenario="APIFailure",} 1
# a plain comment
# TYPE temporal_request_latency histogram
temporal_request_latency_bucket{operation="GetSystemInfo",le="50"} 1
temporal_request_latency_bucket{operation="GetSystemInfo",le="+Inf"} 1
temporal_request_latency_sum{operation="GetSystemInfo"} 4.5
temporal_request_latency_count{operation="GetSystemInfo"} 1
untyped_with_timestamp{path="a \\"quoted\\" \\\\ value"} -1.5e3 1700000000000
nan_value NaN
`;

describe('parseExposition', () => {
  it('reads families, samples, escapes and histogram parts', () => {
    const exposition = parseExposition(VALID);
    expect(exposition.families.get('order_demo_activity_attempts_total')).toEqual({ type: 'counter', help: 'Activity attempts, with a \\ and a \n in its help.' });
    expect(sum(exposition, 'order_demo_activity_attempts_total')).toBe(6);
    expect(sum(exposition, 'order_demo_activity_attempts_total', { activity: 'ChargeCustomer' })).toBe(5);
    expect(sum(exposition, 'order_demo_activity_attempts_total', (l) => l.activity === 'Nope')).toBe(0);
    expect(exposition.samples.find((s) => s.name === 'temporal_request_latency_sum')).toMatchObject({ family: 'temporal_request_latency', value: 4.5 });
    expect(exposition.samples.find((s) => s.name === 'untyped_with_timestamp')).toMatchObject({ labels: { path: 'a "quoted" \\ value' }, value: -1500 });
    expect(exposition.samples.find((s) => s.name === 'temporal_request_latency_bucket' && s.labels.le === '+Inf')?.value).toBe(1);
    expect(parseExposition('').samples).toEqual([]);
  });

  it.each([
    ['no final newline', 'x 1'],
    ['a second TYPE', '# TYPE x counter\n# TYPE x gauge\nx 1\n'],
    ['TYPE after samples', 'x 1\n# TYPE x counter\n'],
    ['an unknown type', '# TYPE x meter\nx 1\n'],
    ['a duplicate sample', 'x{a="1"} 1\nx{a="1"} 2\n'],
    ['a label twice', 'x{a="1",a="2"} 1\n'],
    ['an unquoted label value', 'x{a=1} 1\n'],
    ['a bad escape', 'x{a="\\t"} 1\n'],
    ['a bad value', 'x 1,5\n'],
    ['a bad metric name', '0x 1\n'],
    ['a bucket without le', '# TYPE h histogram\nh_bucket{a="1"} 1\n'],
    ['a histogram sample without a suffix', '# TYPE h histogram\nh 1\n'],
    ['a line that is no sample', 'x\n'],
  ])('refuses %s', (_, text) => {
    expect(() => parseExposition(text)).toThrow(ExpositionError);
  });
});
