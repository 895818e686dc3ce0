import type { InjectionScan, InjectionSource } from '../injection/index.js';
import { scanReport, type ScanReport } from '../privacy/scan-report.js';
import type { GatewayDeps } from './gateway-deps.js';

/** `/v1/privacy/scan`: the spans the guard finds in a text (type, offsets, value). Nothing is stored. */
export function scanPrivacy(text: string, deps: Pick<GatewayDeps, 'privacy'>): ScanReport {
  return scanReport(deps.privacy, text);
}

/** `/v1/injection/scan`: how the gateway would score this text from this source. Nothing is stored or logged. */
export function scanInjection(text: string, source: InjectionSource | undefined, deps: Pick<GatewayDeps, 'injection'>): InjectionScan & { threshold: number } {
  return { ...deps.injection.scan(text, source), threshold: deps.injection.threshold };
}
