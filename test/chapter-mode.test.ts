/** The chapters' modes: read from the environment, sized by byMode, bad values refused by name. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ArgumentError } from '../src';
import { byMode, chapterMode } from '../src/lab/index';

const isArgumentError = (argument: string) => (e: unknown) => e instanceof ArgumentError && e.argument === argument;

test('chapterMode: STOCHGRAD_MODE first, then STOCHGRAD_FAST=1 as fast, else full', () => {
  assert.equal(chapterMode({}), 'full');
  assert.equal(chapterMode({ STOCHGRAD_FAST: '1' }), 'fast');
  assert.equal(chapterMode({ STOCHGRAD_FAST: '0' }), 'full');
  assert.equal(chapterMode({ STOCHGRAD_MODE: 'workshop' }), 'workshop');
  assert.equal(chapterMode({ STOCHGRAD_MODE: 'workshop', STOCHGRAD_FAST: '1' }), 'workshop');
  assert.equal(chapterMode({ STOCHGRAD_MODE: '', STOCHGRAD_FAST: '1' }), 'fast');
  assert.throws(() => chapterMode({ STOCHGRAD_MODE: 'quick' }), isArgumentError('STOCHGRAD_MODE'));
});

test('byMode picks the value of the mode and names what is wrong', () => {
  const values = { full: 40000, workshop: 10000, fast: 4000 };
  assert.equal(byMode('full', values), 40000);
  assert.equal(byMode('workshop', values), 10000);
  assert.equal(byMode('fast', values), 4000);
  assert.throws(() => byMode('slow' as never, values), isArgumentError('mode'));
  assert.throws(() => byMode('full', { full: 1, fast: 2 } as never), isArgumentError('values.workshop'));
});
