// The two error kinds the CLI maps to exit 2 (unusable input). A module of their own so that the CLI
// can recognise them without loading the parsers or the engines.

/** An input that cannot be read, parsed or compared (exit 2 in the CLI). */
export class InputError extends Error {}

/** A `$ref` whose document cannot be read. */
export class RefError extends Error {}
