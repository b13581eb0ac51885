import type { FrameworkRef } from '../../findings/types.ts';

export type FrameworkKey = FrameworkRef['framework'];

/** A compliance framework: the requirement ids we map to, each with a short title in our own words. */
export interface FrameworkDefinition {
  key: FrameworkKey;
  name: string;
  url: string;
  requirements: Readonly<Record<string, string>>;
}
