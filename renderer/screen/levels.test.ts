// Threshold levels: a value shows the colour of the most severe level it reaches.
import { describe, expect, it } from 'vitest';
import { levelBands, levelReached } from './levels.ts';

const name = { vi: 'x', en: 'x' };

describe('levelReached', () => {
  const river = [
    { id: 'bd1', name, above: 1.0, colour: '#ffd54f' },
    { id: 'bd2', name, above: 2.0, colour: '#ff9800' },
    { id: 'bd3', name, above: 3.5, colour: '#f44336' },
  ];
  const rate = [
    { id: 'warn', name, below: 98, colour: '#ffb300' },
    { id: 'crit', name, below: 95, colour: '#e53935' },
  ];

  it('finds the highest "above" level reached', () => {
    expect(levelReached(0.5, river)).toBeUndefined();
    expect(levelReached(1.0, river)?.id).toBe('bd1');
    expect(levelReached(2.7, river)?.id).toBe('bd2');
    expect(levelReached(9, river)?.id).toBe('bd3');
  });

  it('finds the lowest "below" level reached', () => {
    expect(levelReached(99, rate)).toBeUndefined();
    expect(levelReached(97, rate)?.id).toBe('warn');
    expect(levelReached(90, rate)?.id).toBe('crit');
    expect(levelReached(1, undefined)).toBeUndefined();
  });
});

describe('levelBands', () => {
  it('colours each stretch of a scale by the level it belongs to', () => {
    const river = [
      { id: 'bd1', name, above: 1.0, colour: '#1' },
      { id: 'bd3', name, above: 3.5, colour: '#3' },
      { id: 'bd2', name, above: 2.0, colour: '#2' },
    ];
    expect(levelBands(river, 0, 5)).toEqual([
      { from: 1, to: 2, colour: '#1' },
      { from: 2, to: 3.5, colour: '#2' },
      { from: 3.5, to: 5, colour: '#3' },
    ]);
    const rate = [
      { id: 'warn', name, below: 98, colour: '#w' },
      { id: 'crit', name, below: 95, colour: '#c' },
    ];
    expect(levelBands(rate, 0, 100)).toEqual([
      { from: 95, to: 98, colour: '#w' },
      { from: 0, to: 95, colour: '#c' },
    ]);
    // Thresholds beyond the scale are cut to it, and bands left empty are dropped.
    expect(levelBands([{ id: 'far', name, above: 400, colour: '#f' }], 0, 300)).toEqual([]);
    expect(levelBands(undefined, 0, 1)).toEqual([]);
  });
});
