/**
 * A table's topic made when it is missing (and the sink may create topics), waiting until the
 * broker shows it; a clear error when it may not.
 *
 * @module
 */
import type { Admin, Consumer } from "@platformatic/kafka";
import { SinkError } from "../../../lib/plugin/sink_errors.ts";
import { describeError } from "./client.ts";
import { topicLayout } from "./topic_reader.ts";

/** What making a topic needs of the sink. */
export interface TopicDeps {
  admin: () => Admin;
  consumer: () => Consumer;
  /** A table as messages name it. */
  named: (table: string) => string;
  settings: {
    brokers: readonly string[];
    createTopics?: boolean;
    partitions?: number;
    replicationFactor?: number;
  };
}

/** Creates a topic when missing (and allowed); returns its partition count. */
export async function ensureTopic(
  deps: TopicDeps,
  topic: string,
  table: string,
  configs: { name: string; value: string }[] = [],
  partitions = deps.settings.partitions ?? -1,
): Promise<number> {
  const consumer = deps.consumer();
  // The client retries a missing topic's metadata 3 times, 250 ms apart: an answer that it is
  // missing is final here (the sink's own retries with back-off cover a broker that is down).
  const once = { retries: 0 };
  let layout = await topicLayout(consumer, topic, once);
  if (!layout) {
    if (deps.settings.createTopics === false) {
      throw new SinkError(
        `${deps.named(table)}: topic "${topic}" does not exist and create_topics is off; ` +
          `create it (kafka-topics.sh --create --topic ${topic} --bootstrap-server ${
            deps.settings.brokers[0]
          }) or set create_topics: true`,
        { healable: false },
      );
    }
    try {
      await deps.admin().createTopics({
        topics: [topic],
        partitions,
        replicas: deps.settings.replicationFactor ?? -1,
        configs,
      });
    } catch (error) {
      if (!describeError(error).includes("TOPIC_ALREADY_EXISTS")) throw error;
    }
    for (let i = 0; i < 250 && !layout; i++) {
      layout = await topicLayout(consumer, topic, once);
      if (!layout) await new Promise((r) => setTimeout(r, 20));
    }
    if (!layout) throw new Error(`topic "${topic}" was created but does not show yet`);
  }
  return layout.partitions.length;
}
