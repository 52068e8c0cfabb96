/** Several hosts on NATS JetStream (DESIGN §7, docs/cluster.md): shared ROMs, ownership by lease, failover. */
export { joinCluster } from './cluster-host.js';
export type { ClusterEvent, ClusterHost, ClusterOptions } from './cluster-host.js';
export type { ChildRecord } from './child-records.js';
