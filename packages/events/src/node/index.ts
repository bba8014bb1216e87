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
} from './broker.js';
export { declareTopology, deleteTopology, topologyFromContract, type NameOptions, type QueueSpec, type Topology } from './topology.js';
