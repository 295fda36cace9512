/**
 * The Kafka client library, loaded when a Kafka sink is first used rather than with the
 * program: importing it costs about 0.2 s, which every other command would pay. The import's
 * specifier is a string literal, so `deno compile` embeds the library all the same.
 *
 * @module
 */
import type * as KafkaClient from "@platformatic/kafka";

let loaded: typeof KafkaClient | undefined;

/** Loads the client library, once. */
export async function loadKafkaClient(): Promise<typeof KafkaClient> {
  loaded ??= await import("@platformatic/kafka");
  return loaded;
}

/** The client library; the sink loads it before anything that needs it. */
export function kafkaClient(): typeof KafkaClient {
  if (!loaded) throw new Error("The Kafka client library is not loaded (loadKafkaClient first)");
  return loaded;
}
