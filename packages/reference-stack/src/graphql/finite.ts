// graphql-js parses a Float literal with parseFloat and never checks the result, so `1e400` (or a
// 400-digit Int literal given to a Float) reaches resolvers as Infinity. Variables are safe: graphql-js
// refuses non-finite Float variables itself.
import { GraphQLError, type ASTVisitor, type FloatValueNode, type IntValueNode, type ValidationContext } from 'graphql';
import type { Plugin } from 'graphql-yoga';

/** A validation rule: every numeric literal in the document must be a finite number. */
export function FiniteNumberLiteralsRule(context: ValidationContext): ASTVisitor {
  const check = (node: FloatValueNode | IntValueNode) => {
    if (!Number.isFinite(Number(node.value))) {
      context.reportError(new GraphQLError(`Numeric literal ${node.value.length > 40 ? `${node.value.slice(0, 40)}…` : node.value} is not a finite number`, { nodes: node }));
    }
  };
  return { FloatValue: check, IntValue: check };
}

/** Adds `FiniteNumberLiteralsRule` to a yoga server's validation (a validation error: HTTP 400, never a resolver). */
export const useFiniteNumbers = (): Plugin => ({
  onValidate({ addValidationRule }) {
    addValidationRule(FiniteNumberLiteralsRule);
  },
});
