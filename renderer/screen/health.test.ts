// What a screen tells main every five seconds.
import { describe, expect, it } from 'vitest';
import { HealthSchema } from '../../common/contract/messages.ts';
import { healthReport } from './health.ts';

describe('healthReport', () => {
  it('turns a frame period into a valid health message', () => {
    const report = healthReport({
      screen: 'S03',
      loop: { takePeriod: () => ({ frames: 10, seconds: 5, frameMilliseconds: 4.5, droppedFrames: 1 }) },
      renderer: () => 'SwiftShader',
      contextLosses: () => 2,
      panelErrors: () => [{ panel: 'x'.repeat(80), message: 'y'.repeat(900) }],
    });
    expect(report).toMatchObject({ screen: 'S03', fps: 2, frameMilliseconds: 4.5, droppedFrames: 1, renderer: 'SwiftShader', contextLosses: 2 });
    expect(report.panelErrors[0]!.panel).toHaveLength(64);
    expect(report.panelErrors[0]!.message).toHaveLength(500);
    expect(HealthSchema.safeParse({ type: 'health', ...report }).success).toBe(true);
  });
});
