import { readdirSync, readFileSync } from 'node:fs';
import { Kind, parse } from 'graphql';
import { expect, it } from 'vitest';
import { canonicalOperations } from './index.js';

it('canonicalOperations lists every operation of src/operations, each with the fragments it spreads', () => {
  const dir = new URL('./operations/', import.meta.url);
  const declared = readdirSync(dir)
    .flatMap((f) => parse(readFileSync(new URL(f, dir), 'utf8')).definitions)
    .flatMap((d) => (d.kind === Kind.OPERATION_DEFINITION && d.name ? [`@cleanapp/graphql-client#${d.name.value}`] : []));
  expect(canonicalOperations.map((o) => o.name)).toEqual(declared.sort());
  for (const o of canonicalOperations) {
    const defs = parse(o.text).definitions;
    const spreads = [...o.text.matchAll(/\.\.\.(\w+)/g)].map((m) => m[1]);
    const fragments = defs.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [d.name.value] : []));
    expect(fragments).toEqual(expect.arrayContaining(spreads));
  }
});
