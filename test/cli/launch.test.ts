import { describe, expect, it } from 'vitest';
import { commandOf, printsOnly } from '../../src/launch.js';

describe('commandOf (which command runs in the sync worker)', () => {
  it.each([
    [['sync'], 'sync'],
    [['sync', '--profile', 'export'], 'sync'],
    [['--profile', 'sync', 'export', '--view', 'users'], 'export'],
    [['--json', '--quiet', 'sync', '--incremental'], 'sync'],
    [['--verbose', '--profile', 'prod', 'configure', '--show'], 'configure'],
    [['--', 'sync'], 'sync'],
    [['--help'], undefined],
    [[], undefined],
  ])('%j → %s', (argv, command) => {
    expect(commandOf(argv)).toBe(command);
  });
});

describe('printsOnly (help and version need no sync worker)', () => {
  it.each([
    [['sync', '--help'], true],
    [['sync', '-h'], true],
    [['--version'], true],
    [['sync', '--incremental'], false],
    [['sync', '--', '--help'], false],
  ])('%j → %s', (argv, expected) => {
    expect(printsOnly(argv)).toBe(expected);
  });
});
