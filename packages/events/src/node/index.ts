export {
  Broker,
  BrokerUnavailableError,
  InvalidPayloadError,
  PermanentError,
  redact,
  type ConsumeOptions,
  type DeliveryInfo,
  type Handler,
  type PublishOptions,
  type SubscribeOptions,
  type Subscription,
} from './broker.js';
export { declareTopology, deleteTopology, topologyFromContract, type NameOptions, type QueueSpec, type SubscriptionSpec, type Topology } from './topology.js';
