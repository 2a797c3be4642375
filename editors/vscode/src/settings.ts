/** The part of the `clerkCore2` configuration the server reads. */
export type Level = 'off' | 'error' | 'warning' | 'information' | 'hint';
export type Scope = 'clerkFiles' | 'allFiles';

export interface ServerSettings {
  rules: Record<string, Level>;
  scope: Scope;
}

export interface ConfigurationReader {
  get<T>(section: string): T | undefined;
}

export const SETTINGS_SECTION = 'clerkCore2';

/**
 * Builds the payload for `initializationOptions` and
 * `workspace/didChangeConfiguration`. Values are passed through as the user
 * wrote them: the server reports unknown rules or levels itself, with the
 * list it actually knows.
 */
export function serverSettings(config: ConfigurationReader): ServerSettings {
  const rules = config.get<Record<string, Level>>('rules') ?? {};
  const scope = config.get<Scope>('scope') ?? 'clerkFiles';
  // The configuration object is a read-only proxy; send a plain copy.
  return { rules: { ...rules }, scope };
}
