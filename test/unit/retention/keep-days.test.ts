import { describe, expect, it } from 'vitest';
import { dueAfterDays, keepDaysForMonths, keepDaysForYears } from '../../../core/retention/keep-days';

describe('calendar periods in days', () => {
  it.each([
    [1, 31],
    [2, 62],
    [6, 184],
    [12, 366],
    [36, 1096],
    [60, 1827],
  ])('%i months never exceed %i days', (months, days) => {
    expect(keepDaysForMonths(months)).toBe(days);
  });

  it.each([
    [1, 366],
    [2, 731],
    [3, 1096],
    [4, 1461],
    [5, 1827],
  ])('%i years -> %i days', (years, days) => {
    expect(keepDaysForYears(years)).toBe(days);
  });

  it('covers the longest real 6-month span (1 July to 1 January)', () => {
    expect((Date.UTC(2025, 0, 1) - Date.UTC(2024, 6, 1)) / 86_400_000).toBe(keepDaysForMonths(6));
  });

  it.each([
    ['2024-01-10T15:00:00Z', 1, '2024-01-12T00:00:00.000Z'],
    ['2024-01-10T00:00:00Z', 1, '2024-01-11T00:00:00.000Z'],
    ['2024-02-28T23:59:59.999Z', 1, '2024-03-01T00:00:00.000Z'],
  ])('a call started %s kept %i day is due %s', (started, days, due) => {
    expect(new Date(dueAfterDays(Date.parse(started), days)).toISOString()).toBe(due);
  });

  it('rejects nonsense', () => {
    expect(() => keepDaysForMonths(0)).toThrow(RangeError);
    expect(() => keepDaysForMonths(1.5)).toThrow(RangeError);
  });
});
