import { Box } from '@mantine/core';
import type { ReactNode } from 'react';

/**
 * A table's horizontal scroll box on narrow screens. Positioned, so that visually hidden text inside
 * (absolutely positioned) is clipped with the table instead of widening the whole page.
 */
export function TableScroll({ children }: { children: ReactNode }) {
  return (
    <Box className="tl-table-scroll" pos="relative">
      {children}
    </Box>
  );
}
