import { describe, expect, it } from 'vitest';
import { formatInterval, formatRelative, formatShare } from './format';
import { safeNext } from '../pages/sign-in';
import { tokenFromHash } from '../pages/setup';

describe('formatting', () => {
  it('shows an unknown share as unknown, never as 0 %', () => {
    expect(formatShare(null)).toBe('unknown');
    expect(formatShare(undefined)).toBe('unknown');
    expect(formatShare(0)).toBe('0.0 %');
    expect(formatShare(0.1234)).toBe('12.3 %');
  });
  it('formats intervals in the largest whole unit', () => {
    expect(formatInterval(15)).toBe('15 minutes');
    expect(formatInterval(360)).toBe('6 hours');
    expect(formatInterval(60)).toBe('1 hour');
    expect(formatInterval(10080)).toBe('7 days');
  });
  it('formats relative times', () => {
    const now = new Date('2026-11-30T12:00:00Z');
    expect(formatRelative(null, now)).toBe('never');
    expect(formatRelative('2026-11-30T11:57:00Z', now)).toBe('3 minutes ago');
    expect(formatRelative('2026-11-30T14:00:00Z', now)).toBe('in 2 hours');
  });
});

describe('sign-in and set-up links', () => {
  it('follows only same-site paths after sign-in', () => {
    expect(safeNext('/agents?q=x')).toBe('/agents?q=x');
    expect(safeNext('https://evil.example/')).toBe('/');
    expect(safeNext('//evil.example/')).toBe('/');
    expect(safeNext('/\\evil.example')).toBe('/');
    expect(safeNext(null)).toBe('/');
  });
  it('reads the set-up token from the fragment', () => {
    expect(tokenFromHash('#token=abc123')).toBe('abc123');
    expect(tokenFromHash('')).toBe('');
  });
});
