import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clusterTrial } from '../bench/cluster-trial.js';
import { startNatsServer, type NatsServer } from '../bench/nats-server.js';

/**
 * Failover of a cluster (issue 9): three host processes on a real nats-server, 1,200 rooms of
 * examples/cluster (1,201 children), inputs flowing, one host killed with SIGKILL halfway. Every
 * child it owned must go on on a survivor, no acknowledged input may be lost, and the cluster
 * must end with the reports of one host alone on the same inputs. How long the failover took is
 * printed here and measured by `npm run bench -- cluster`; no test asserts a time.
 */

let server: NatsServer;
beforeAll(async () => {
  server = await startNatsServer();
});
afterAll(async () => {
  await server?.stop();
});

describe('a cluster that loses a host', () => {
  it('takes every child of a host killed with SIGKILL over on the survivors and ends as one host would', async () => {
    const result = await clusterTrial({ root: process.cwd(), url: server.url, prefix: 'failover', hosts: 3, rooms: 1200, rounds: 4, leaseMs: 2000 });
    console.log(JSON.stringify({ failover_ms: Math.round(result.failoverMs), orphans: result.orphans, acked: result.acked }));
    expect(result.orphans).toBeGreaterThan(100);
    expect(Number.isNaN(result.failoverMs)).toBe(false);
    expect(Object.keys(result.owners)).toHaveLength(1201);
    expect(new Set(Object.values(result.owners))).toEqual(new Set(result.survivors));
    expect(result.expected['room/1199/count']).toBe('4');
    expect(result.expected['follower/out']).toBe('5');
    expect(result.reports).toEqual(result.expected);
  }, 300_000);
});
