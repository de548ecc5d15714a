import { TouchSlots } from '#src/auth/touch-slots.js';

describe('activity slots held by this instance', () => {
  it('holds a claimed slot for its interval, then no more', () => {
    const slots = new TouchSlots(60_000);
    expect(slots.holds('s1', 0)).toBe(false);
    slots.claimed('s1', 1_000);
    expect(slots.holds('s1', 60_999)).toBe(true);
    expect(slots.holds('s1', 61_000)).toBe(false);
    expect(slots.holds('s2', 1_000)).toBe(false);
  });

  it('a new claim of the same session starts a new interval, and keeps the others in expiry order', () => {
    const slots = new TouchSlots(60_000);
    slots.claimed('s1', 0);
    slots.claimed('s2', 10_000);
    slots.claimed('s1', 61_000);
    // Expired s2 is dropped from the front; s1, claimed again, is still held.
    slots.claimed('s3', 70_001);
    expect(slots.holds('s1', 120_999)).toBe(true);
    expect(slots.holds('s2', 70_001)).toBe(false);
    expect(slots.holds('s3', 130_000)).toBe(true);
  });
});
