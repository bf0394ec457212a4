/** The `since`/`until` query parameters (ISO 8601, already validated) as the services' dates. */
export function timeRange(query: { since?: string; until?: string } | undefined): { since?: Date; until?: Date } {
  return {
    since: query?.since ? new Date(query.since) : undefined,
    until: query?.until ? new Date(query.until) : undefined,
  };
}
