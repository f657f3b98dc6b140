/**
 * The model summary: per-layer shapes, parameters, MACs (FLOPs = 2·MACs, labelled apart), other
 * ops and activation memory, with the working shown on request, for a list of layer specs or a
 * compact architecture string (grammar in parse.ts).
 *
 *   summarizeArchitecture('1x28x28 | conv 32 k3 | relu | maxpool 2 | fc 10', { explain: true })
 *   formatSummary(result)
 */
import { ValueError, fmtValue } from '../errors.js';
import { parseArchitecture } from './parse.js';
import { summarize } from './summarize.js';
import type { SummaryResult } from './spec.js';

export { summarize } from './summarize.js';
export { formatSummary } from './format.js';
export type { FormatOptions } from './format.js';
export { parseArchitecture, ArchitectureError } from './parse.js';
export type { Architecture } from './parse.js';
export { fmtInt } from './explain.js';
export { BYTES_PER_ELEMENT } from './spec.js';
export type {
  ActivationLayerSpec,
  ActivationType,
  AdaptiveAvgPoolLayerSpec,
  AvgPoolLayerSpec,
  BatchNormLayerSpec,
  ConvLayerSpec,
  ConvTransposeLayerSpec,
  CustomLayerSpec,
  DropoutLayerSpec,
  Explanation,
  FlattenLayerSpec,
  IntOrTuple,
  LayerOrigin,
  LayerSpec,
  LayerType,
  LinearLayerSpec,
  MaxPoolLayerSpec,
  OtherOps,
  ResidualLayerSpec,
  SummarizeOptions,
  SummaryResult,
  SummaryRow,
  SummaryTotals,
} from './spec.js';

export interface ArchitectureSummaryOptions {
  /** Attach the working to every row. Default false. */
  readonly explain?: boolean;
  /** Batch size N prepended to the string's input shape. Default 1. */
  readonly batch?: number;
}

/** Parses an architecture string and summarises it for a batch of `batch` inputs. */
export function summarizeArchitecture(src: string, options: ArchitectureSummaryOptions = {}): SummaryResult {
  const batch = options.batch ?? 1;
  if (typeof batch !== 'number' || !Number.isInteger(batch) || batch < 1) {
    throw new ValueError({ op: 'summarizeArchitecture', arg: 'options.batch', expected: 'a positive integer', got: fmtValue(batch) });
  }
  const arch = parseArchitecture(src);
  return summarize([batch, ...arch.inputShape], arch.layers, { explain: options.explain ?? false });
}
export { summary } from './model.js';
export type { ModelSummaryOptions } from './model.js';
