import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CliUnavailableError, ensureCli, findCli, projectCliPath, TEMPORAL_CLI_VERSION } from './cli.js';

const emptyRoot = mkdtempSync(path.join(tmpdir(), 'cli-test-'));
afterAll(() => rmSync(emptyRoot, { recursive: true, force: true }));

describe('Temporal CLI resolution', () => {
  it('refuses a TEMPORAL_CLI_PATH that points at nothing, naming the variable', () => {
    expect(() => findCli({ root: emptyRoot, explicitPath: '/nonexistent/temporal', searchPath: '' })).toThrow(/TEMPORAL_CLI_PATH/);
  });

  it('keeps the CLI in a versioned folder of the project cache', () => {
    expect(projectCliPath('/repo')).toBe(`/repo/.cache/temporal-cli/${TEMPORAL_CLI_VERSION}/temporal`);
  });

  it('says exactly what to install when there is no CLI and no Go', async () => {
    const attempt = ensureCli({ root: emptyRoot, searchPath: emptyRoot, sdkDownload: false, say: () => {} });
    await expect(attempt).rejects.toBeInstanceOf(CliUnavailableError);
    await expect(attempt).rejects.toThrow(/Go is not installed.*TEMPORAL_CLI_PATH.*go install github\.com\/temporalio\/cli\/cmd\/temporal@v1\.5\.1/s);
  });
});
