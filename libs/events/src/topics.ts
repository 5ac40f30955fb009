/** Kafka topic names (architecture.md, "Topics"). */
export const Topics = {
  /** One partition: offset order is config seq order. Key none. */
  configEvents: 'config.events',
  /** Keyed by routing instance. */
  controlRoutes: 'control.routes',
  /** Keyed by agent name. */
  agentUves: 'agent.uves',
  /** Keyed by agent name. */
  agentFlows: 'agent.flows',
} as const;

export type TopicName = (typeof Topics)[keyof typeof Topics];

/** Kafka header carrying the event's seq as a decimal string, so readers need not parse the value. */
export const SEQ_HEADER = 'seq';
