export { createGatewayMetrics, type GatewayMetrics, type GaugeSources } from './gateway-metrics.js';
export { gaugeSourcesOf } from './gauge-sources.js';
