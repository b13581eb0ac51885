/** PLACEHOLDER being written in this session (issue 12): replaced by the real cyclonedx renderer. */
import { AppError } from '../errors/index.ts';
import type { Renderer } from './types.ts';

export const renderCycloneDx: Renderer = () => {
  throw new AppError('INVALID_INPUT', 'The cyclonedx export is not available yet.', {
    remediation: 'Use --format json.',
  });
};
