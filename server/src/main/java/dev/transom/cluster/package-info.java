/**
 * Cluster mode (docs/cluster.md), on Kafka Streams: a pipeline as a Kafka Streams topology whose
 * processor hosts Transom's own window core. Kafka Streams brings partitioning by key, state in
 * changelogged stores, rebalancing and failover, and exactly-once from input to output; Transom keeps
 * its window semantics, run per key exactly as on one node.
 */
package dev.transom.cluster;
