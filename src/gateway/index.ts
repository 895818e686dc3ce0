// What inbound protocols (api/) may use: the spine's entry points, the request record's helpers,
// and the domain types their wire forms are written from. api/ imports nothing else of the domains.
export type { Endpoint, KeyPrincipal } from '../auth/principal.js';
export { isLoopbackAddress } from '../auth/keyless-loopback.js';
export { INJECTION_SOURCES, type InjectionSource } from '../injection/index.js';
export { isCollectionName, messageIndex, type Citation, type SearchDegradation, type SearchHit, type SearchMode } from '../knowledge/index.js';
export type { ScanReport } from '../privacy/scan-report.js';
export { relayAbort } from '../providers/http/abort-relay.js';
export { authenticate } from './authenticate.js';
export { chunkScreen } from './chunk-screen.js';
export { scrapeMetrics } from './scrape-metrics.js';
export { beginTrace } from './trace-request.js';
export { countInputTokens } from './count-tokens.js';
export { explainRoute, type CandidateExplanation, type RouteExplanation } from './explain-route.js';
export { describeModelFile, type ModelFileFacts } from './describe-model-file.js';
export type { GatewayDeps } from './gateway-deps.js';
export { getModel, listModels, type ModelView } from './list-models.js';
export { matchRequest, openRequest, responseHeaders, type ChatTarget, type GatewayRequest } from './request.js';
export { scanInjection, scanPrivacy } from './scan-text.js';
export { deleteResponse, findResponse, saveResponse, type StoredResponse } from './stored-responses.js';
export { searchKnowledge, type KnowledgeSearchCall } from './search-knowledge.js';
export { startChat, type ChatAnswer, type ChatCall } from './start-chat.js';
export { startEmbed, type EmbedCall } from './start-embed.js';
export type { DroppedChunk, KnowledgeReport } from './stages/retrieve.js';
export { settleClosed } from './stages/settle.js';
