/** commander helper for repeatable options. */
export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

export interface ServerFlags {
  url?: string;
  key?: string;
  home?: string;
}

export const URL_HELP = 'gateway URL (default FLAMBEAU_URL or http://127.0.0.1:4141)';
export const KEY_HELP = 'API key (default FLAMBEAU_MASTER_KEY, then HOME/master.key)';
