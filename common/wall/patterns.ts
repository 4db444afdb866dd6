// The id and duration spellings shared by the layout schema and the telemetry section.

/** Series ids: field.indicator[.instance], lowercase words. */
export const SERIES_ID_PATTERN = /^[a-z0-9_]+(\.[a-z0-9_]+){1,2}$/;

/** Durations are written as a whole number and a unit: 30s, 10m, 1h, 1d. */
export const DURATION_PATTERN = /^[1-9][0-9]*(s|m|h|d)$/;
