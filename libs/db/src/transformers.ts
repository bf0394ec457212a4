import { ValueTransformer } from 'typeorm';

/** PostgreSQL bigint arrives as a string; our bigints (byte counts) fit a JS number. */
export const bigintNumber: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | null) => (value === null ? null : Number(value)),
};

/** For modseqs (RFC 7162: 63-bit unsigned): PostgreSQL bigint as a JS bigint. */
export const bigintBig: ValueTransformer = {
  to: (value: bigint | null | undefined) => (value === null || value === undefined ? value : value.toString()),
  from: (value: string | null) => (value === null ? null : BigInt(value)),
};
