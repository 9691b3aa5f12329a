/**
 * Activation: handing segments to the systems that act on them — exports of members with their
 * provenance, webhook deliveries of who joined and left, and membership lookups.
 */
export { definitionHash, keyColumnOf, sourcesOf, withDependencies } from './definition-hash.js';
export { exportDataVersion, type DataVersion } from './lake-files.js';
export { exportFormats, placeExport, sidecarPath, writeExport, type ExportFormat, type ExportMeta, type ExportRequest, type WrittenExport } from './export.js';
export { exportSegment } from './export-segment.js';
export { deliverRunChanges, destinationsOf, resumeDeliveries, type DeliveryBody, type DeliveryContext, type DeliveryReport, type Destination, type PublishedRun } from './deliver.js';
export {
  deliveriesFolder,
  deliveryLogFile,
  readDeliveryEvents,
  summarizeDeliveries,
  type BatchSummary,
  type DeliveryEvent,
  type DeliverySummary,
} from './delivery-log.js';
export { deliveryId, signBody, signatureHeader, verifySignature, type MembershipChange } from './signature.js';
export { defaultRetryPolicy, type RetryPolicy } from './webhook-sender.js';
export { MembershipIndex, membershipFingerprint, type CurrentMember } from './membership-index.js';
export { planRunChanges } from './deliver.js';
export { deliverPublishedRuns, destinationsOfNotebook, resumeNotebookDeliveries, type PublishedDeliveryOptions } from './published-runs.js';
