/** DIR/report.html for `convkit train`: collects the run's steps and epochs and rewrites the page after every epoch. */
import { join } from 'node:path';
import type { Module } from '../nn/module.js';
import { formatSummary, summary } from '../summary/index.js';
import { renderReport } from '../report/html.js';
import type { ReportEpoch, ReportStep } from '../report/html.js';
import { writeFileAtomic } from '../io/files.js';

export class RunReport {
  readonly path: string;
  private readonly steps: ReportStep[] = [];
  private readonly epochs: ReportEpoch[] = [];
  private confusion: number[][] = [];
  private readonly summaryText: string;

  constructor(
    dir: string,
    model: Module,
    private readonly architecture: string,
    private readonly data: { name: string; inputShape: readonly number[]; classes: readonly string[] },
    private readonly settings: readonly (readonly [string, string])[],
  ) {
    this.path = join(dir, 'report.html');
    this.summaryText = `${architecture}\n\n${formatSummary(summary(model, [1, ...data.inputShape], { explain: true }))}`;
  }

  /** Records step `batch` of `batches` in `epoch` (running loss and accuracy). */
  step(epoch: number, batch: number, batches: number, loss: number, accuracy: number): void {
    this.steps.push({ step: (epoch - 1) * batches + batch, epoch, loss, accuracy });
  }

  /** Takes the epochs of an earlier run of this directory from its metrics.jsonl (a resumed run). */
  restore(metricsJsonl: string): void {
    for (const line of metricsJsonl.split('\n')) {
      if (line.trim() === '') continue;
      try {
        const r = JSON.parse(line) as ReportEpoch;
        if (typeof r.epoch === 'number' && !this.epochs.some((e) => e.epoch === r.epoch)) this.epochs.push(r);
      } catch {
        // a torn last line of an interrupted run: skip it
      }
    }
  }

  /** Records a finished epoch with the test set's confusion matrix and rewrites the page. */
  epoch(e: ReportEpoch, confusion: number[][]): void {
    this.epochs.push(e);
    this.confusion = confusion;
    this.write();
  }

  write(): void {
    const html = renderReport({
      title: `convkit train: ${this.data.name}`,
      settings: this.settings,
      steps: this.steps,
      epochs: this.epochs,
      confusion: this.confusion,
      classes: this.data.classes,
      summary: this.summaryText,
    });
    writeFileAtomic('convkit train', this.path, [new TextEncoder().encode(html)]);
  }
}
