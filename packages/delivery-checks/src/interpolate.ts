// Compose-style variable interpolation: ${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:?error},
// ${VAR?error}, ${VAR:+alt}, $VAR and $$ (a literal $). Used to run compose's services without Docker.
export class InterpolationError extends Error {}

export function interpolate(value: string, env: Record<string, string | undefined>): string {
  return value.replace(/\$\$|\$\{([A-Za-z_]\w*)(?:(:?[-?+])((?:[^{}]|\{[^{}]*\})*))?\}|\$([A-Za-z_]\w*)/g, (match, name?: string, op?: string, arg?: string, bare?: string) => {
    if (match === '$$') return '$';
    if (bare) return env[bare] ?? '';
    const v = env[name!];
    const unsetOrEmpty = v === undefined || (op?.startsWith(':') && v === '');
    switch (op) {
      case ':-':
      case '-':
        return unsetOrEmpty ? interpolate(arg ?? '', env) : v!;
      case ':?':
      case '?':
        if (unsetOrEmpty) throw new InterpolationError(`${name}: ${arg || 'required variable is not set'}`);
        return v!;
      case ':+':
      case '+':
        return unsetOrEmpty ? '' : interpolate(arg ?? '', env);
      default:
        return v ?? '';
    }
  });
}
