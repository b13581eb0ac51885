/** PLACEHOLDER being written in this session (issue 12): replaced by the real csv renderer. */
import { AppError } from '../errors/index.ts';
import type { Renderer } from './types.ts';

export const renderCsv: Renderer = () => {
  throw new AppError('INVALID_INPUT', 'The csv export is not available yet.', {
    remediation: 'Use --format json.',
  });
};
