// Rules graphql-federation-key-removed, graphql-federation-key-changed, graphql-federation-key-added,
// graphql-federation-shareable-removed, graphql-federation-external-removed: federation semantics on
// subgraph SDL, which the client-facing schema does not show.
import { describe, expect, it } from 'vitest';
import { verdicts } from './docs.js';

const LINK = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@shareable", "@external", "@requires"])\n';
const reports = (key: string, extra = '') => `${LINK}type Query { report(id: ID!): Report }\ntype Report ${key} { id: ID! publicId: String! title: String ${extra} }\n`;

describe('entity keys', () => {
  it('a key whose fields change breaks the gateway\'s entity fetches even though no field changed', async () => {
    expect(await verdicts(reports('@key(fields: "id")'), reports('@key(fields: "publicId")'))).toEqual([['graphql-federation-key-changed', 'breaking']]);
  });

  it('a key removed breaks the subgraphs that reference the entity by it', async () => {
    expect(await verdicts(reports('@key(fields: "id") @key(fields: "publicId")'), reports('@key(fields: "id")'))).toEqual([['graphql-federation-key-removed', 'breaking']]);
  });

  it('twin: adding a second key, or reformatting one, is not breaking', async () => {
    expect(await verdicts(reports('@key(fields: "id")'), reports('@key(fields: "id") @key(fields: "publicId")'))).toEqual([['graphql-federation-key-added', 'info']]);
    expect(await verdicts(reports('@key(fields: "id")'), reports('@key(fields: " id ")'))).toEqual([]);
  });
});

const analysis = (title: string, extra = '') => `${LINK}type Report @key(fields: "id") { id: ID! ${title} ${extra} }\n`;
const set = (a: string, r: string) => ({ subgraphs: [{ name: 'reports', sdl: r }, { name: 'analysis', sdl: a }] });

describe('@shareable and @external', () => {
  it('@shareable removed from a field another subgraph also resolves: the subgraphs no longer compose (breaking)', async () => {
    const base = set(analysis('title: String @shareable'), reports('@key(fields: "id")').replace('title: String', 'title: String @shareable'));
    const revision = set(analysis('title: String'), reports('@key(fields: "id")').replace('title: String', 'title: String @shareable'));
    const found = await verdicts(base, revision);
    expect(found).toContainEqual(['graphql-federation-shareable-removed', 'breaking']);
    // Twin: a field only this subgraph resolves may drop it.
    const alone = set(analysis('score: Int @shareable'), reports('@key(fields: "id")'));
    expect(await verdicts(alone, set(analysis('score: Int'), reports('@key(fields: "id")')))).toEqual([]);
  });

  it('@external removed from a field a @requires relies on is breaking; from one nothing relies on, info', async () => {
    const requires = (external: string) => analysis(`title: String ${external}`, 'summary: String @requires(fields: "title")');
    const shareableTitle = reports('@key(fields: "id")').replace('title: String', 'title: String @shareable');
    const changes = await verdicts(set(requires('@external'), shareableTitle), set(requires('@shareable'), shareableTitle));
    expect(changes).toContainEqual(['graphql-federation-external-removed', 'breaking']);
    // Twin (one subgraph's SDL on its own): nothing in it relies on the field.
    expect(await verdicts(analysis('title: String @external'), analysis('title: String @shareable'))).toEqual([['graphql-federation-external-removed', 'info']]);
  });
});
