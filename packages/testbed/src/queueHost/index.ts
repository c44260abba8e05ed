export { QueueHost } from './queueHost';
export type { QueueDelivery, QueueHandler, QueueHostEvent, QueueHostOptions } from './types';
