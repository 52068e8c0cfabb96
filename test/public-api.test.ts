import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

/** Imports `specifier` in a plain Node process in this package: what a user of romhost gets. */
function nodeImport(specifier: string): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, ['--input-type=module', '-e', `const m = await import(${JSON.stringify(specifier)}); console.log(JSON.stringify(Object.keys(m).sort()));`], {
    encoding: 'utf8',
  });
}

describe('the public API', () => {
  it('exports exactly these values, by name', () => {
    const r = nodeImport('romhost');
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual([
      'DEFAULT_LIMITS',
      'DEFAULT_RESTART',
      'Engine',
      'JOURNAL_VERSION',
      'LANGUAGES',
      'LmdbStore',
      'MANIFEST_FILE',
      'MemoryStore',
      'NatsStore',
      'RomhostError',
      'SMOKE_SCENARIO',
      'SNAPSHOT_VERSION',
      'assertReplays',
      'bisect',
      'buildComponent',
      'buildComponents',
      'checkStateMachine',
      'createHost',
      'defaultStoreDir',
      'describeCheckRun',
      'describeDivergence',
      'findComponentDirs',
      'formatSource',
      'inspectPackage',
      'isRomhostError',
      'joinCluster',
      'journalInputs',
      'loadScenario',
      'openDurableHost',
      'openStore',
      'packScenario',
      'parseJournal',
      'parseScenario',
      'planRestore',
      'readJournal',
      'readManifest',
      'readPackage',
      'readSnapshot',
      'recordJournal',
      'recordRun',
      'replayJournal',
      'restoreHost',
      'scaffoldComponent',
      'scaffoldLanguages',
      'scenarioJsonSchema',
      'startInspector',
      'storeSnapshot',
      'writeSnapshot',
    ]);
  });

  it('blocks deep imports', () => {
    const r = nodeImport('romhost/dist/host/host.js');
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/ERR_PACKAGE_PATH_NOT_EXPORTED/);
  });
});
