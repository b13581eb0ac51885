/**
 * Secondary text that still meets WCAG AA contrast (4.5:1) in both schemes: Mantine's "dimmed"
 * (#868e96 on white, 3.3:1) does not. light-dark() follows Mantine's color-scheme on :root.
 */
export const DIM = 'light-dark(var(--mantine-color-gray-7), var(--mantine-color-dark-1))';
