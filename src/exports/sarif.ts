/** PLACEHOLDER being written in this session (issue 12): replaced by the real sarif renderer. */
import { AppError } from '../errors/index.ts';
import type { Renderer } from './types.ts';

export const renderSarif: Renderer = () => {
  throw new AppError('INVALID_INPUT', 'The sarif export is not available yet.', {
    remediation: 'Use --format json.',
  });
};
