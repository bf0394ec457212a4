import { ValueTransformer } from 'typeorm';

/** PostgreSQL bigint arrives as a string; our bigints (byte counts) fit a JS number. */
export const bigintNumber: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | null) => (value === null ? null : Number(value)),
};
