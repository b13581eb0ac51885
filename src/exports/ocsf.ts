/** PLACEHOLDER being written in this session (issue 12): replaced by the real ocsf renderer. */
import { AppError } from '../errors/index.ts';
import type { Renderer } from './types.ts';

export const renderOcsf: Renderer = () => {
  throw new AppError('INVALID_INPUT', 'The ocsf export is not available yet.', {
    remediation: 'Use --format json.',
  });
};
