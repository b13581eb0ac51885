/** PLACEHOLDER being written in this session (issue 12): replaced by the real html renderer. */
import { AppError } from '../errors/index.ts';
import type { Renderer } from './types.ts';

export const renderHtml: Renderer = () => {
  throw new AppError('INVALID_INPUT', 'The html export is not available yet.', {
    remediation: 'Use --format json.',
  });
};
