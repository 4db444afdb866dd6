// Every five seconds, tells main how this screen is doing: frame rate and time, dropped frames, memory, GPU, losses, panel errors.
import type { WallBridge } from '../../common/contract/bridge.ts';
import type { Disposable, Scheduler } from '../../common/contract/events.ts';
import type { Health } from '../../common/contract/messages.ts';
import type { PanelError } from './compositor.ts';
import type { RenderLoop } from './render-loop.ts';

export const HEALTH_INTERVAL_MILLISECONDS = 5_000;

export interface HealthSources {
  readonly screen: string;
  readonly loop: Pick<RenderLoop, 'takePeriod'>;
  readonly renderer: () => string | undefined;
  readonly contextLosses: () => number;
  readonly panelErrors: () => readonly PanelError[];
}

/** Chromium's non-standard heap figure; absent elsewhere. */
function memoryMegabytes(): number | undefined {
  const memory = (performance as Performance & { memory?: { usedJSHeapSize?: number } }).memory;
  return typeof memory?.usedJSHeapSize === 'number' ? memory.usedJSHeapSize / 1_048_576 : undefined;
}

export function healthReport(sources: HealthSources): Omit<Health, 'type'> {
  const period = sources.loop.takePeriod();
  const memory = memoryMegabytes();
  const renderer = sources.renderer();
  return {
    screen: sources.screen,
    fps: Math.min(1000, period.frames / period.seconds),
    frameMilliseconds: Math.min(60_000, period.frameMilliseconds),
    droppedFrames: period.droppedFrames,
    ...(memory === undefined ? {} : { memoryMegabytes: Math.round(memory * 10) / 10 }),
    ...(renderer === undefined ? {} : { renderer }),
    contextLosses: sources.contextLosses(),
    // The contract caps the list and the message length; the status keeps them whole.
    panelErrors: sources.panelErrors().slice(0, 100).map(({ panel, message }) => ({ panel: panel.slice(0, 64), message: message.slice(0, 500) })),
  };
}

export class HealthReporter implements Disposable {
  private timer: Disposable | undefined;

  constructor(
    private readonly bridge: Pick<WallBridge, 'reportHealth'>,
    private readonly sources: HealthSources,
    private readonly scheduler: Pick<Scheduler, 'setTimeout'>,
    private readonly interval = HEALTH_INTERVAL_MILLISECONDS,
  ) {
    this.arm();
  }

  dispose(): void {
    this.timer?.dispose();
    this.timer = undefined;
  }

  private arm(): void {
    this.timer = this.scheduler.setTimeout(() => {
      this.arm();
      this.bridge.reportHealth(healthReport(this.sources));
    }, this.interval);
  }
}
