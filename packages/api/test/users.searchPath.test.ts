import { describe, expect, it } from 'vitest';
import {
  CONDITIONS_WALK_LOOKUPS,
  conditionsWalkWindow,
  SEARCH_MATCHES_SORTED_CLUSTERED_MAX,
  SEARCH_MATCHES_SORTED_MAX,
  SEARCH_SAMPLE_ROWS,
  SEARCH_SAMPLED_FROM_USERS,
  SEARCH_TABLE_WALK_WINDOW,
  SEARCH_WALK_WINDOW,
  searchMatchesSortedMax,
  searchSamplePercent,
  searchTableWalkWindow,
} from '../src/users/listUsers';

describe('searchTableWalkWindow (how many users a search walks on the search table first)', () => {
  it('walks a fiftieth of the users, at least as many as a walk of the users and at most 20,000', () => {
    expect(searchTableWalkWindow(0)).toBe(SEARCH_WALK_WINDOW);
    expect(searchTableWalkWindow(-1)).toBe(SEARCH_WALK_WINDOW);
    // 200,000 users: a window of 20,000 made last names' and missing terms' first pages slower under load.
    expect(searchTableWalkWindow(200_000)).toBe(4_000);
    expect(searchTableWalkWindow(500_000)).toBe(10_000);
    expect(searchTableWalkWindow(1_000_000)).toBe(SEARCH_TABLE_WALK_WINDOW);
    expect(searchTableWalkWindow(16_000_000)).toBe(SEARCH_TABLE_WALK_WINDOW);
  });
});

describe('conditionsWalkWindow (how many users a search with other conditions walks on the search table)', () => {
  it('walks as many users as hold CONDITIONS_WALK_LOOKUPS matches by the sample, at most 20,000', () => {
    // "an", a quarter of 200,000 users: 8,000 users walked, 2,000 of them looked up.
    expect(conditionsWalkWindow(200_000, 50_000)).toBe(8_000);
    expect((conditionsWalkWindow(200_000, 50_000) * 50_000) / 200_000).toBe(CONDITIONS_WALK_LOOKUPS);
    // "david", 5,305 of 200,000: the whole window.
    expect(conditionsWalkWindow(200_000, 5_305)).toBe(SEARCH_TABLE_WALK_WINDOW);
  });

  it('walks the whole window where no sample told the matches, or it found none', () => {
    expect(conditionsWalkWindow(30_000, null)).toBe(SEARCH_TABLE_WALK_WINDOW);
    expect(conditionsWalkWindow(200_000, 0)).toBe(SEARCH_TABLE_WALK_WINDOW);
  });
});

describe('searchSamplePercent (the share of the search table a search samples first)', () => {
  it('samples nothing on a small or never analysed table', () => {
    expect(searchSamplePercent(0)).toBeNull();
    expect(searchSamplePercent(-1)).toBeNull();
    expect(searchSamplePercent(SEARCH_SAMPLED_FROM_USERS - 1)).toBeNull();
  });

  it('samples about SEARCH_SAMPLE_ROWS rows of a large one', () => {
    expect(searchSamplePercent(1_000_000)).toBeCloseTo(0.2);
    for (const users of [SEARCH_SAMPLED_FROM_USERS, 200_000, 16_000_000]) {
      expect(((searchSamplePercent(users) ?? 0) * users) / 100).toBeCloseTo(SEARCH_SAMPLE_ROWS);
    }
  });
});

describe('searchMatchesSortedMax (how many matches a search sorts on the search table first)', () => {
  it('is the floor on a small or never analysed table', () => {
    expect(searchMatchesSortedMax(0, 51)).toBe(SEARCH_MATCHES_SORTED_MAX);
    expect(searchMatchesSortedMax(-1, 51)).toBe(SEARCH_MATCHES_SORTED_MAX);
    expect(searchMatchesSortedMax(20_000, 51)).toBe(SEARCH_MATCHES_SORTED_MAX);
  });

  it('grows with the square root of the table and of the page: reading the matches against walking to a page of them', () => {
    // A common last name has ~2,400 matches among 200,000 users: sorted at once, not after a failed walk.
    expect(searchMatchesSortedMax(200_000, 51)).toBe(4_517);
    expect(searchMatchesSortedMax(1_000_000, 51)).toBe(10_100);
    // Four times the users, twice the threshold.
    expect(
      Math.abs(searchMatchesSortedMax(800_000, 51) - 2 * searchMatchesSortedMax(200_000, 51)),
    ).toBeLessThanOrEqual(1);
    expect(searchMatchesSortedMax(200_000, 201)).toBeGreaterThan(searchMatchesSortedMax(200_000, 51));
  });

  it('is √2 higher for a first page that is counted: its walk would read every match again to count them', () => {
    expect(searchMatchesSortedMax(200_000, 51, true)).toBe(6_387);
    expect(
      Math.abs(
        searchMatchesSortedMax(1_000_000, 51, true) - Math.SQRT2 * searchMatchesSortedMax(1_000_000, 51),
      ),
    ).toBeLessThanOrEqual(1);
    expect(searchMatchesSortedMax(0, 51, true)).toBe(SEARCH_MATCHES_SORTED_MAX);
  });

  it('never passes the clustered sort threshold', () => {
    expect(searchMatchesSortedMax(1e12, 51)).toBe(SEARCH_MATCHES_SORTED_CLUSTERED_MAX);
  });
});
