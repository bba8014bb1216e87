// contract-diff subgraph-check on MindMirror's real supergraph history and client operations
// (../shared/corpus/real, never copied into the repo; skipped visibly when absent).
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { extractSubgraphs, loadSubgraphs, subgraphCheck, type SubgraphCheckResult } from '../src/subgraph-check.js';
import { corpusRoot, describeCorpus } from './corpus-root.js';

const MM = fileURLToPath(new URL('real/Peleke__MindMirror/', corpusRoot()));
const supergraph = (sha?: string): string => readFileSync(`${MM}mesh/build/supergraph${sha ? `@${sha}` : ''}.graphql`, 'utf8');
const clientOps = (): { name: string; text: string }[] =>
  readdirSync(`${MM}derived/client-operations`).map((f) => ({ name: f, text: readFileSync(`${MM}derived/client-operations/${f}`, 'utf8') }));
const breaking = (r: SubgraphCheckResult): string[] => r.changes.filter((c) => c.level === 'breaking').map((c) => `${c.id} ${c.location}`);

/**
 * A real history pair as the subgraph check a service's CI would have run: the subgraphs of the old
 * supergraph (derived from its join__ directives) with the changed one replaced by its new version.
 */
async function checkPair(before: string, after: string): Promise<Map<string, SubgraphCheckResult>> {
  const current = supergraph(before);
  const old = extractSubgraphs(current);
  const out = new Map<string, SubgraphCheckResult>();
  for (const next of extractSubgraphs(supergraph(after))) {
    const prev = old.find((s) => s.name === next.name);
    if (prev?.sdl === next.sdl) continue;
    out.set(next.name, await subgraphCheck({ name: next.name, candidateSdl: next.sdl, subgraphs: old, supergraph: current, isNew: !prev, operations: clientOps(), clientOperations: false }));
  }
  return out;
}

describeCorpus(MM, 'subgraph-check on MindMirror (../shared/corpus/real)', () => {
  // Each check composes and diffs whole supergraphs (seconds on a busy 2-core CI machine, not the 5 s default).
  it('each of the 7 derived subgraphs, checked unchanged against the HEAD supergraph, composes with no breaking change; 11 of 91 client operations are invalid against HEAD', async () => {
    const subgraphs = loadSubgraphs(`${MM}derived/subgraphs`);
    expect(subgraphs.map((s) => s.name)).toEqual(['agent', 'habits', 'journal', 'meals', 'movements', 'practices', 'users']);
    for (const s of subgraphs) {
      const r = await subgraphCheck({ name: s.name, candidateSdl: s.sdl, subgraphs, supergraph: supergraph(), operations: clientOps(), clientOperations: false });
      expect(r.compositionErrors, s.name).toEqual([]);
      expect(breaking(r), s.name).toEqual([]);
      expect(r.operationsChecked, s.name).toBe(91);
      // Invalid against the current supergraph already: the clients are broken regardless (warnings, not new breaks).
      expect(r.changes.filter((c) => c.id === 'graphql-operation-invalid-before').length, s.name).toBe(11);
      expect(r.invalidOperations, s.name).toEqual([]);
    }
  }, 120_000);

  it('pair A (216fa9b → 884dec8): the Journal change removes journalEntryExistsToday and JournalEntryType and retypes deleteJournalEntry', async () => {
    const checks = await checkPair('216fa9b', '884dec8');
    expect([...checks.keys()]).toEqual(['Journal']);
    expect(breaking(checks.get('Journal')!)).toEqual(
      expect.arrayContaining([
        'graphql-type-removed JournalEntryType',
        'graphql-field-removed Query.journalEntryExistsToday',
        'graphql-field-type-changed Query.journalEntries',
        'graphql-field-argument-type-changed Mutation.deleteJournalEntry.entryId',
        'graphql-field-type-changed GratitudePayloadType.focus',
        'graphql-field-type-changed GratitudePayloadType.affirmation',
      ]),
    );
  }, 60_000);

  it('pair B (630b2fd → 2ac6581): the Habits change removes userId from six operations', async () => {
    const checks = await checkPair('630b2fd', '2ac6581');
    expect([...checks.keys()]).toEqual(['Habits']);
    expect(breaking(checks.get('Habits')!)).toEqual([
      'graphql-field-argument-removed Mutation.assignProgramToUser.userId',
      'graphql-field-argument-removed Mutation.markLessonCompleted.userId',
      'graphql-field-argument-removed Mutation.recordHabitResponse.userId',
      'graphql-field-argument-removed Mutation.recordLessonOpened.userId',
      'graphql-field-argument-removed Query.programAssignments.userId',
      'graphql-field-argument-removed Query.todaysTasks.userId',
    ]);
  }, 60_000);

  it('pair C (a73b998 → 0f0b39f): the Practices change adds the required input argument to enrollInProgram; the Habits change is additive', async () => {
    const checks = await checkPair('a73b998', '0f0b39f');
    expect([...checks.keys()].sort()).toEqual(['Habits', 'Practices']);
    expect(breaking(checks.get('Habits')!)).toEqual([]);
    expect(breaking(checks.get('Practices')!)).toEqual([
      'graphql-field-argument-added Mutation.enrollInProgram.input',
      'graphql-field-argument-removed Mutation.enrollInProgram.programId',
      'graphql-field-argument-added Mutation.enrollUserInProgram.input',
      'graphql-field-argument-removed Mutation.enrollUserInProgram.programId',
      'graphql-field-argument-removed Mutation.enrollUserInProgram.userId',
    ]);
    expect(checks.get('Practices')!.changes.find((c) => c.location === 'Mutation.enrollInProgram.input')!.message).toMatch(/^Argument 'input: EnrollInProgramInput!' added/);
  }, 60_000);

  it('rolling pair B back is blocked: the mobile client operations that stopped sending userId become invalid', async () => {
    const checks = await checkPair('2ac6581', '630b2fd');
    const r = checks.get('Habits')!;
    expect(r.invalidOperations.map((c) => c.operation).sort()).toEqual(['AssignProgramToUser', 'MarkLessonCompleted', 'ProgramAssignments', 'RecordHabitResponse', 'RecordLessonOpened', 'TodaysTasks']);
  }, 60_000);
});
