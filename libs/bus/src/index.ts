export * from './pg/event-reader';
export * from './pg/notify-listener';
export * from './pg/tail-event-log';
export * from './pg/position-store';
export * from './kafka/event-log';
export { ensureConfigTopic, messageSeq, readLastSeq, CONFIG_TOPIC_MAX_MESSAGE_BYTES } from './kafka/topic';
export * from './relay';
export * from './consumer';
export { ConfigEventsNotify1763700001000 } from './migrations/1763700001000-config-events-notify';
